package types_test

import (
	"context"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/stdlib"
	"github.com/mailscript/mailscript/stdlib/imapfilter"
	"github.com/mailscript/mailscript/types"
)

// declarations reads the annotation files: for each table path (such as
// "email.header" or "imaplib.Idler"), the functions declared on it.
type declarations struct {
	modules map[string]bool            // ---@meta NAME
	funcs   map[string]map[string]bool // path -> function names
}

var (
	metaRE   = regexp.MustCompile(`^---@meta[ \t]+(\S+)`)
	classRE  = regexp.MustCompile(`^---@class\s+([\w.]+)`)
	localRE  = regexp.MustCompile(`^local\s+(\w+)\s*=\s*\{\}`)
	funcRE   = regexp.MustCompile(`^function\s+([\w.]+)[.:](\w+)\s*\(`)
	assignRE = regexp.MustCompile(`^([\w.]+)\s*=\s*(\w+)\s*$`)
)

func readDeclarations(t *testing.T) *declarations {
	t.Helper()
	d := &declarations{modules: map[string]bool{}, funcs: map[string]map[string]bool{}}
	names, err := fs.Glob(types.FS, "*.lua")
	if err != nil || len(names) == 0 {
		t.Fatalf("no annotation files: %v", err)
	}
	type alias struct{ path, local string }
	var aliases []alias
	classOf := map[string]string{} // a file's locals -> class path
	for _, n := range names {
		src, _ := fs.ReadFile(types.FS, n)
		if _, err := parse.Parse(strings.NewReader(string(src)), n); err != nil {
			t.Errorf("%s does not parse as Lua: %v", n, err)
		}
		locals := map[string]string{}
		lastClass := ""
		for _, line := range strings.Split(string(src), "\n") {
			if m := metaRE.FindStringSubmatch(line); m != nil {
				d.modules[m[1]] = true
			}
			if m := classRE.FindStringSubmatch(line); m != nil {
				lastClass = m[1]
				continue
			}
			if m := localRE.FindStringSubmatch(line); m != nil {
				cls := lastClass
				if cls == "" {
					cls = m[1]
				}
				locals[m[1]] = cls
				classOf[n+":"+m[1]] = cls
			}
			if !strings.HasPrefix(line, "---") {
				lastClass = ""
			}
			resolve := func(p string) string {
				first, rest, _ := strings.Cut(p, ".")
				if cls, ok := locals[first]; ok {
					if rest == "" {
						return cls
					}
					return cls + "." + rest
				}
				return p
			}
			if m := funcRE.FindStringSubmatch(line); m != nil {
				p := resolve(m[1])
				if d.funcs[p] == nil {
					d.funcs[p] = map[string]bool{}
				}
				d.funcs[p][m[2]] = true
			}
			if m := assignRE.FindStringSubmatch(line); m != nil && locals[m[2]] != "" {
				aliases = append(aliases, alias{resolve(m[1]), locals[m[2]]})
			}
		}
	}
	// path = Local: the path has the functions of Local's class.
	for _, a := range aliases {
		if a.path == a.local {
			continue
		}
		if d.funcs[a.path] == nil {
			d.funcs[a.path] = map[string]bool{}
		}
		for f := range d.funcs[a.local] {
			d.funcs[a.path][f] = true
		}
	}
	return d
}

// runtimeFunctions requires every module of stdlib in a fresh Lua state
// and lists the functions reachable from its table ("email.header.decode")
// and from the method tables of the types it registers
// ("imaplib.Idler.iter").
func runtimeFunctions(t *testing.T) map[string][]string {
	t.Helper()
	L := lua.NewState()
	defer L.Close()
	host.Set(L, &host.Host{Context: context.Background()})
	stdlib.Preload(L)
	out := map[string][]string{}
	seen := map[*lua.LTable]bool{}
	var walk func(path string, tb *lua.LTable)
	walk = func(path string, tb *lua.LTable) {
		if seen[tb] {
			return
		}
		seen[tb] = true
		// Sorted, so that a table reachable by two paths (the exception
		// classes IMAP4.abort and IMAP4_SSL.abort) is always checked
		// under the same one.
		var keys []string
		tb.ForEach(func(k, _ lua.LValue) {
			if key, ok := k.(lua.LString); ok && !strings.HasPrefix(string(key), "__") && key != "parent" {
				keys = append(keys, string(key))
			}
		})
		sort.Strings(keys)
		for _, key := range keys {
			switch v := tb.RawGetString(key).(type) {
			case *lua.LFunction:
				out[path] = append(out[path], key)
			case *lua.LTable:
				walk(path+"."+key, v)
			}
		}
	}
	modules := map[string]bool{}
	for _, m := range stdlib.Modules() {
		modules[m.Name] = true
		if err := L.CallByParam(lua.P{Fn: L.GetGlobal("require"), NRet: 1, Protect: true}, lua.LString(m.Name)); err != nil {
			t.Fatalf("require(%q): %v", m.Name, err)
		}
		if tb, ok := L.Get(-1).(*lua.LTable); ok {
			walk(m.Name, tb)
		}
		L.Pop(1)
	}
	// Type metatables named after a module, with a table of methods.
	L.G.Registry.ForEach(func(k, v lua.LValue) {
		name, ok := k.(lua.LString)
		mt, isTable := v.(*lua.LTable)
		mod, _, dotted := strings.Cut(string(name), ".")
		if !ok || !isTable || !dotted || !modules[mod] {
			return
		}
		// luabind keeps a type's methods in __methods; a plain
		// metatable may have them as its __index table.
		if methods, ok := mt.RawGetString("__methods").(*lua.LTable); ok {
			walk(string(name), methods)
		} else if methods, ok := mt.RawGetString("__index").(*lua.LTable); ok {
			walk(string(name), methods)
		}
	})
	return out
}

// luaKeywords are the reserved words of Lua, which no declaration can use
// as a function name.
var luaKeywords = map[string]bool{"and": true, "break": true, "do": true, "else": true, "elseif": true,
	"end": true, "false": true, "for": true, "function": true, "goto": true, "if": true, "in": true,
	"local": true, "nil": true, "not": true, "or": true, "repeat": true, "return": true, "then": true,
	"true": true, "until": true, "while": true}

// TestEveryFunctionIsAnnotated is the coverage check: each module has an
// annotation file, and every function a script can reach has a
// declaration there.
func TestEveryFunctionIsAnnotated(t *testing.T) {
	d := readDeclarations(t)
	funcs := runtimeFunctions(t)
	for _, m := range stdlib.Modules() {
		top, _, _ := strings.Cut(m.Name, ".")
		if !d.modules[top] {
			t.Errorf("module %q has no annotation file (---@meta %s)", m.Name, top)
		}
	}
	var paths []string
	for p := range funcs {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	total := 0
	for _, p := range paths {
		for _, f := range funcs[p] {
			total++
			if luaKeywords[f] {
				// Reachable only as m["end"] (an alias of end_): a
				// declaration cannot name it.
				continue
			}
			if !d.funcs[p][f] {
				t.Errorf("%s.%s has no annotation (function %s.%s(...) or %s:%s(...) in types/)", p, f, p, f, p, f)
			}
		}
	}
	if total < 40 {
		t.Errorf("only %d functions found: the introspection lost modules?", total)
	}
	t.Logf("%d functions of %d modules annotated", total, len(stdlib.Modules()))
}

// TestAnnotationsAreMeta: every file is a LuaLS definition file and
// returns its module table.
func TestAnnotationsAreMeta(t *testing.T) {
	names, _ := fs.Glob(types.FS, "*.lua")
	for _, n := range names {
		src, _ := fs.ReadFile(types.FS, n)
		s := string(src)
		if !strings.HasPrefix(s, "---@meta") {
			t.Errorf("%s does not start with ---@meta", n)
		}
		if m := metaRE.FindStringSubmatch(s); m != nil && n != m[1]+".lua" {
			t.Errorf("%s declares module %s: name the file %s.lua", n, m[1], m[1])
		}
	}
}

// TestIMAPFilterGlobalsAreAnnotated checks imapfilter.lua against what
// `mailscript imapfilter` installs: every global function, every method
// of accounts, mailboxes, messages and results, and every option.
func TestIMAPFilterGlobalsAreAnnotated(t *testing.T) {
	d := readDeclarations(t)
	src, err := fs.ReadFile(types.FS, "imapfilter.lua")
	if err != nil {
		t.Fatal(err)
	}
	globalRE := regexp.MustCompile(`(?m)^function\s+(\w+)\s*\(`)
	fieldRE := regexp.MustCompile(`^---@field\s+(\w+)\s`)
	globals, optionFields := map[string]bool{}, map[string]bool{}
	inOptions := false
	for _, line := range strings.Split(string(src), "\n") {
		if m := globalRE.FindStringSubmatch(line); m != nil {
			globals[m[1]] = true
		}
		if m := classRE.FindStringSubmatch(line); m != nil {
			inOptions = m[1] == "imapfilter.Options"
		}
		if m := fieldRE.FindStringSubmatch(line); m != nil && inOptions {
			optionFields[m[1]] = true
		}
	}

	L := lua.NewState()
	defer L.Close()
	host.Set(L, &host.Host{Context: context.Background()})
	if err := imapfilter.Install(L, imapfilter.Options{}); err != nil {
		t.Fatal(err)
	}
	classes := map[string]string{"Account": "imapfilter.Account", "Mailbox": "imapfilter.Mailbox",
		"Message": "imapfilter.Message", "Set": "imapfilter.Set"}
	callables := map[string]bool{"IMAP": true, "imap": true, "Set": true}
	// Lua 5.2 names of the base library that the layer provides on 5.1:
	// Lua's own, which LuaLS declares itself.
	lua52 := map[string]bool{"rawlen": true, "load": true, "loadstring": true}
	methods := 0
	for global, class := range classes {
		tb, ok := L.GetGlobal(global).(*lua.LTable)
		if !ok {
			t.Fatalf("global %s is not a table", global)
		}
		tb.ForEach(func(k, v lua.LValue) {
			name := lua.LVAsString(k)
			if _, fn := v.(*lua.LFunction); !fn || strings.HasPrefix(name, "_") {
				return
			}
			methods++
			if !d.funcs[class][name] {
				t.Errorf("%s:%s has no annotation (function %s:%s(...) in types/imapfilter.lua)", class, name, global, name)
			}
		})
	}
	L.G.Global.ForEach(func(k, v lua.LValue) {
		name := lua.LVAsString(k)
		fn, isFn := v.(*lua.LFunction)
		if !isFn || strings.HasPrefix(name, "_") || fn.Proto == nil {
			return // Go functions are Lua's own library
		}
		if !strings.HasPrefix(fn.Proto.SourceName, "imapfilter/") || lua52[name] {
			return
		}
		if !globals[name] {
			t.Errorf("global function %s has no annotation (function %s(...) in types/imapfilter.lua)", name, name)
		}
	})
	for name := range callables {
		if !globals[name] {
			t.Errorf("%s{...} has no annotation (function %s(...) in types/imapfilter.lua)", name, name)
		}
	}
	opts, ok := L.GetGlobal("options").(*lua.LTable)
	if !ok {
		t.Fatal("no options table")
	}
	nopts := 0
	opts.ForEach(func(k, _ lua.LValue) {
		nopts++
		if !optionFields[lua.LVAsString(k)] {
			t.Errorf("option %s has no ---@field in imapfilter.Options", lua.LVAsString(k))
		}
	})
	if methods < 100 || nopts < 15 {
		t.Errorf("only %d methods and %d options found: the introspection lost them?", methods, nopts)
	}
}
