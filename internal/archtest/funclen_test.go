package archtest

import (
	"fmt"
	"go/ast"
	"strings"
	"testing"
)

// maxLines is the longest a function of the product packages may be.
const maxLines = 80

// portMarker marks, in its doc comment, a function that is a line-by-line
// port of a long Python function and keeps its shape so that the two can
// be compared side by side.
const portMarker = "mailscript:port"

// productRoots are the packages whose functions are held to maxLines.
var productRoots = []string{module + "/imaplib", module + "/stdlib", module + "/engine", module + "/cmd", module + "/host"}

// TestFunctionLength fails on a function of the product packages longer
// than maxLines lines, unless its doc comment carries portMarker.
func TestFunctionLength(t *testing.T) {
	checked := 0
	for _, f := range moduleFiles(t) {
		if f.test || !anyUnder(productRoots...)(f.pkg) {
			continue
		}
		for _, d := range f.file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			checked++
			n := f.fset.Position(fd.End()).Line - f.fset.Position(fd.Pos()).Line + 1
			if n <= maxLines || marked(fd) {
				continue
			}
			t.Errorf("%s: %s is %d lines (at most %d; split it, or mark a port of Python with %q in its doc comment)", f.path, funcName(fd), n, maxLines, "//"+portMarker)
		}
	}
	if checked < 500 {
		t.Fatalf("checked only %d functions: are the product packages where the test looks?", checked)
	}
}

func marked(fd *ast.FuncDecl) bool {
	if fd.Doc == nil {
		return false
	}
	for _, c := range fd.Doc.List {
		if strings.HasPrefix(c.Text, "//"+portMarker) {
			return true
		}
	}
	return false
}

func funcName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	return fmt.Sprintf("(%s).%s", recvType(fd.Recv.List[0].Type), fd.Name.Name)
}

func recvType(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.StarExpr:
		return "*" + recvType(x.X)
	case *ast.Ident:
		return x.Name
	case *ast.IndexExpr:
		return recvType(x.X)
	}
	return "?"
}
