package imapfilter

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// CheckError is what Check found wrong in a config, with its line.
type CheckError struct {
	// File is the config's name; Line the line (1-based) of the problem.
	File string
	Line int
	// Message says what is wrong and what to write instead.
	Message string
}

// Error returns "FILE:LINE: MESSAGE".
func (e *CheckError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message)
}

// Check reads a config before it runs, so that it fails before touching a
// mailbox rather than half-way: Lua syntax that gopher-lua's Lua 5.1
// cannot parse (integer division //, bitwise operators; goto and labels
// it does run)
// is reported with its line and what to write instead, and every literal
// pattern passed to match_* or regex_search must compile (see Compile).
// The errors are *CheckError values, joined.
func Check(name string, src []byte) error {
	chunk, err := parse.Parse(bytes.NewReader(src), name)
	if err != nil {
		if ce := syntaxHint(name, src); ce != nil {
			return ce
		}
		return fmt.Errorf("imapfilter: %w", err)
	}
	var errs []error
	walk(reflect.ValueOf(chunk), func(call *ast.FuncCallExpr) {
		fn, args := callee(call)
		pos := -1
		switch {
		case fn == "match_field":
			pos = 1
		case fn == "regex_search", strings.HasPrefix(fn, "match_"):
			pos = 0
		}
		if pos < 0 || pos >= len(args) {
			return
		}
		s, ok := args[pos].(*ast.StringExpr)
		if !ok {
			return
		}
		if _, err := Compile(s.Value); err != nil {
			errs = append(errs, &CheckError{File: name, Line: s.Line(),
				Message: strings.TrimPrefix(err.Error(), "imapfilter: ")})
		}
	})
	return errors.Join(errs...)
}

// callee returns the name of the function a call calls and its
// arguments, the object left out of obj.match_from(obj, ...).
func callee(call *ast.FuncCallExpr) (string, []ast.Expr) {
	if call.Method != "" {
		return call.Method, call.Args
	}
	switch f := call.Func.(type) {
	case *ast.IdentExpr:
		return f.Value, call.Args
	case *ast.AttrGetExpr:
		if k, ok := f.Key.(*ast.StringExpr); ok {
			if strings.HasPrefix(k.Value, "match_") && len(call.Args) > 0 {
				return k.Value, call.Args[1:]
			}
			return k.Value, call.Args
		}
	}
	return "", nil
}

var callType = reflect.TypeOf((*ast.FuncCallExpr)(nil))

// walk visits every function call of an AST.
func walk(v reflect.Value, visit func(*ast.FuncCallExpr)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		if v.Type() == callType {
			visit(v.Interface().(*ast.FuncCallExpr))
		}
		walk(v.Elem(), visit)
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			walk(v.Index(i), visit)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				walk(v.Field(i), visit)
			}
		}
	}
}

// lua53 are the constructs of Lua 5.2+ gopher-lua cannot parse, with
// what to write instead.
var lua53 = []struct{ token, what, instead string }{
	{"//", "integer division (Lua 5.3)", "math.floor(a / b)"},
	{"<<", "a bit shift (Lua 5.3)", "a * 2^n (or math.floor(a / 2^n) for >>)"},
	{">>", "a bit shift (Lua 5.3)", "math.floor(a / 2^n)"},
	{"&", "bitwise and (Lua 5.3)", "arithmetic on the numbers, or string tests"},
	{"|", "bitwise or (Lua 5.3)", "arithmetic on the numbers"},
	{"~", "bitwise xor/not (Lua 5.3)", "arithmetic on the numbers (~= is still not-equal)"},
}

// syntaxHint finds the first Lua 5.2+ construct in src, outside strings
// and comments.
func syntaxHint(name string, src []byte) *CheckError {
	code := codeOnly(src)
	line := 1
	for i := 0; i < len(code); i++ {
		if code[i] == '\n' {
			line++
			continue
		}
		for _, c := range lua53 {
			if !bytes.HasPrefix(code[i:], []byte(c.token)) {
				continue
			}
			switch c.token {
			case "~":
				if i+1 < len(code) && code[i+1] == '=' {
					continue
				}
			}
			return &CheckError{File: name, Line: line, Message: fmt.Sprintf(
				"%q is %s, which mailscript's Lua 5.1 cannot run; write %s", c.token, c.what, c.instead)}
		}
	}
	return nil
}

// codeOnly returns src with the contents of strings and comments blanked
// (newlines kept, so line numbers stay).
func codeOnly(src []byte) []byte {
	out := bytes.Clone(src)
	blank := func(from, to int) {
		for k := from; k < to && k < len(out); k++ {
			if out[k] != '\n' {
				out[k] = ' '
			}
		}
	}
	for i := 0; i < len(src); {
		switch {
		case bytes.HasPrefix(src[i:], []byte("--")):
			if lvl := longLevel(src, i+2); lvl >= 0 {
				end := longEnd(src, i+2, lvl)
				blank(i, end)
				i = end
				continue
			}
			end := bytes.IndexByte(src[i:], '\n')
			if end < 0 {
				end = len(src) - i
			}
			blank(i, i+end)
			i += end
		case src[i] == '"' || src[i] == '\'':
			q := src[i]
			j := i + 1
			for j < len(src) && src[j] != q && src[j] != '\n' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			blank(i+1, j)
			i = j + 1
		case longLevel(src, i) >= 0:
			end := longEnd(src, i, longLevel(src, i))
			blank(i, end)
			i = end
		default:
			i++
		}
	}
	return out
}
