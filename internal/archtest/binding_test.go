package archtest

import (
	"go/ast"
	"testing"
)

// bindingGlue are the gopher-lua calls that make a metatable: outside
// luabind, each would be a second way to bind a type.
var bindingGlue = map[string]bool{"NewTypeMetatable": true}

// TestOneBindingHelper fails on a Lua module (a package under stdlib) that
// makes a metatable itself instead of declaring its types through
// stdlib/internal/luabind. The engine's io library is not one: it mirrors
// Lua's own io, whose file handles read unknown keys as nil.
func TestOneBindingHelper(t *testing.T) {
	inModules := anyUnder(module + "/stdlib")
	inHelper := anyUnder(module + "/stdlib/internal/luabind")
	seen := 0
	for _, f := range moduleFiles(t) {
		if f.test || !inModules(f.pkg) {
			continue
		}
		seen++
		ast.Inspect(f.file, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if ok && bindingGlue[sel.Sel.Name] && !inHelper(f.pkg) {
				t.Errorf("%s:%d: %s outside luabind: declare the type with luabind.Type", f.path, f.fset.Position(sel.Pos()).Line, sel.Sel.Name)
			}
			return true
		})
	}
	if seen < 20 {
		t.Fatalf("looked at only %d files: are the modules where the test looks?", seen)
	}
}
