package engine

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/internal/luacall"
	lua "github.com/yuin/gopher-lua"
)

// openLibs opens the Lua standard libraries of a run, with every function
// that reaches outside the VM replaced by a permission-checked version:
//
//   - base: print writes to the run's output; dofile and loadfile need read
//     permission; _printregs is gone.
//   - package: require finds the standard and host modules, then Lua files
//     along package.path (initially the script's folder only), each of
//     which must be readable; package.loadlib always fails.
//   - string: string.dump is gone (no binary chunks), string.rep is capped,
//     string.gsub is C Lua's in linear time (gsub.go).
//   - os: execute needs --allow-run; remove, rename and tmpname need write
//     permission; exit ends the run, never the program; getenv and setenv
//     see the run's own view of the environment.
//   - io: the engine's own implementation (iolib.go).
//   - debug: only traceback.
//
// The channel library is not opened: a state never crosses goroutines.
func (rs *runState) openLibs(L *lua.LState, dir string) {
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath},
		{lua.CoroutineLibName, lua.OpenCoroutine},
		{lua.OsLibName, lua.OpenOs},
		{lua.DebugLibName, lua.OpenDebug},
	} {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	loaded := L.GetField(L.Get(lua.RegistryIndex), "_LOADED").(*lua.LTable)

	// base: pcall runs its function in a coroutine, so that an error
	// keeps the script's locals shared (luacall, gopher-lua#448).
	luacall.Install(L)
	L.SetGlobal("print", L.NewFunction(rs.print))
	L.SetGlobal("dofile", L.NewFunction(rs.dofile))
	L.SetGlobal("loadfile", L.NewFunction(rs.loadfile))
	L.SetGlobal("_printregs", lua.LNil)

	// package
	pkg := L.GetGlobal("package").(*lua.LTable)
	loaders := pkg.RawGetString("loaders").(*lua.LTable)
	loaders.RawSetInt(2, L.NewFunction(rs.requireLua))
	path := ""
	if dir != "" {
		path = filepath.Join(dir, "?.lua") + ";" + filepath.Join(dir, "?", "init.lua")
	}
	pkg.RawSetString("path", lua.LString(path))
	pkg.RawSetString("cpath", lua.LString(""))
	pkg.RawSetString("loadlib", L.NewFunction(loadlib))

	// string
	str := L.GetGlobal("string").(*lua.LTable)
	str.RawSetString("dump", lua.LNil)
	str.RawSetString("rep", L.NewFunction(rs.strRep))
	str.RawSetString("gsub", L.NewFunction(rs.strGsub))

	// os
	osT := L.GetGlobal("os").(*lua.LTable)
	for name, fn := range map[string]lua.LGFunction{
		"execute": rs.osExecute,
		"exit":    rs.osExit,
		"getenv":  rs.osGetenv,
		"setenv":  rs.osSetenv,
		"remove":  rs.osRemove,
		"rename":  rs.osRename,
		"tmpname": rs.osTmpname,
	} {
		osT.RawSetString(name, L.NewFunction(fn))
	}
	wrapOSTime(L, osT)

	// debug: traceback only; the rest reaches the registry and other
	// functions' locals.
	full := L.GetGlobal("debug").(*lua.LTable)
	dbg := L.NewTable()
	dbg.RawSetString("traceback", full.RawGetString("traceback"))
	L.SetGlobal("debug", dbg)
	loaded.RawSetString("debug", dbg)

	// io
	ioT := rs.openIO(L)
	L.SetGlobal("io", ioT)
	loaded.RawSetString("io", ioT)
}

// refuse raises err, a refused permission, as a Lua error and remembers it
// as the cause of the run's failure.
func (rs *runState) refuse(L *lua.LState, err error) {
	var pe *host.PermissionError
	if errors.As(err, &pe) {
		rs.mu.Lock()
		rs.perm = pe
		rs.mu.Unlock()
	}
	L.RaiseError("%s", err.Error())
}

func (rs *runState) checkRead(L *lua.LState, path string) {
	if err := rs.h.CheckRead(path); err != nil {
		rs.refuse(L, err)
	}
}

func (rs *runState) checkWrite(L *lua.LState, path string) {
	if err := rs.h.CheckWrite(path); err != nil {
		rs.refuse(L, err)
	}
}

func (rs *runState) checkRun(L *lua.LState, what string) {
	if err := rs.h.CheckRun(what); err != nil {
		rs.refuse(L, err)
	}
}

func (rs *runState) print(L *lua.LState) int {
	var b strings.Builder
	top := L.GetTop()
	for i := 1; i <= top; i++ {
		if i > 1 {
			b.WriteByte('\t')
		}
		b.WriteString(L.ToStringMeta(L.Get(i)).String())
	}
	b.WriteByte('\n')
	rs.stdout.Write([]byte(b.String()))
	return 0
}

// loadLua compiles the Lua file at path (whose reading was allowed) and
// records it among the run's loaded files.
func (rs *runState) loadLua(L *lua.LState, path string) (*lua.LFunction, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	proto, err := rs.e.cache.compile(path, src)
	if err != nil {
		return nil, errors.New(newScriptError(path, err).text())
	}
	if abs, err := filepath.Abs(path); err == nil {
		rs.addLoaded(abs)
	}
	return L.NewFunctionFromProto(proto), nil
}

func (rs *runState) loadfile(L *lua.LState) int {
	if L.GetTop() == 0 || L.Get(1) == lua.LNil {
		L.RaiseError("loadfile: reading a chunk from standard input is not supported")
	}
	path := L.CheckString(1)
	rs.checkRead(L, path)
	fn, err := rs.loadLua(L, path)
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	L.Push(fn)
	return 1
}

func (rs *runState) dofile(L *lua.LState) int {
	if L.GetTop() == 0 || L.Get(1) == lua.LNil {
		L.RaiseError("dofile: reading a chunk from standard input is not supported")
	}
	path := L.CheckString(1)
	rs.checkRead(L, path)
	fn, err := rs.loadLua(L, path)
	if err != nil {
		L.RaiseError("%s", err.Error())
	}
	top := L.GetTop()
	L.Push(fn)
	L.Call(0, lua.MultRet)
	return L.GetTop() - top
}

// requireLua is the searcher of Lua files for require: it tries each
// template of package.path, skipping the files the run may not read; when
// no readable file is found and one was refused, the refusal is the error.
func (rs *runState) requireLua(L *lua.LState) int {
	name := L.CheckString(1)
	path, ok := L.GetField(L.GetGlobal("package"), "path").(lua.LString)
	if !ok {
		L.RaiseError("package.path must be a string")
	}
	file := strings.ReplaceAll(name, ".", string(filepath.Separator))
	var msgs []string
	var refused error
	for _, tmpl := range strings.Split(string(path), ";") {
		if tmpl == "" {
			continue
		}
		cand := strings.ReplaceAll(tmpl, "?", file)
		if err := rs.h.CheckRead(cand); err != nil {
			if refused == nil {
				refused = err
			}
			msgs = append(msgs, fmt.Sprintf("no file '%s' (not readable without --allow-read)", cand))
			continue
		}
		if st, err := os.Stat(cand); err != nil || st.IsDir() {
			msgs = append(msgs, fmt.Sprintf("no file '%s'", cand))
			continue
		}
		fn, err := rs.loadLua(L, cand)
		if err != nil {
			L.RaiseError("error loading module '%s' from file '%s':\n\t%s", name, cand, err)
		}
		L.Push(fn)
		return 1
	}
	if refused != nil {
		rs.refuse(L, fmt.Errorf("module '%s': %w", name, refused))
	}
	L.Push(lua.LString("\n\t" + strings.Join(msgs, "\n\t")))
	return 1
}

func loadlib(L *lua.LState) int {
	L.RaiseError("package.loadlib: loading native code is not allowed")
	return 0
}

func (rs *runState) strRep(L *lua.LState) int {
	s := L.CheckString(1)
	n := L.CheckInt(2)
	if n <= 0 || s == "" {
		L.Push(lua.LString(""))
		return 1
	}
	if max := rs.e.limits.MaxString; n > max/len(s) {
		L.RaiseError("string.rep: the result would exceed %d bytes", max)
	}
	L.Push(lua.LString(strings.Repeat(s, n)))
	return 1
}

func (rs *runState) osGetenv(L *lua.LState) int {
	v, ok := rs.lookupEnv(L.CheckString(1))
	if !ok {
		L.Push(lua.LNil)
	} else {
		L.Push(lua.LString(v))
	}
	return 1
}

// osSetenv changes the run's own view of the environment (os.getenv and
// the modules see it), never the program's.
func (rs *runState) osSetenv(L *lua.LState) int {
	name := L.CheckString(1)
	if L.Get(2) == lua.LNil {
		rs.setEnv(name, nil)
	} else {
		v := L.CheckString(2)
		rs.setEnv(name, &v)
	}
	L.Push(lua.LTrue)
	return 1
}

// osExit ends the run, never the program: it stops the VM through the
// run's context, so a pcall cannot catch it for long.
func (rs *runState) osExit(L *lua.LState) int {
	code := 0
	switch v := L.Get(1).(type) {
	case lua.LBool:
		if !v {
			code = 1
		}
	case lua.LNumber:
		code = int(v)
	case *lua.LNilType:
	default:
		L.ArgError(1, "number or boolean expected")
	}
	rs.mu.Lock()
	rs.exited, rs.code = true, code
	rs.mu.Unlock()
	rs.cancel(errExit)
	L.RaiseError("os.exit(%d)", code)
	return 0
}

// osExecute runs a shell command when running programs is allowed; its
// output goes to the run's output, and it is killed when the run stops.
// Without a command it reports whether a shell is available (allowed).
func (rs *runState) osExecute(L *lua.LState) int {
	if L.GetTop() == 0 || L.Get(1) == lua.LNil {
		if rs.h.CheckRun("") == nil {
			L.Push(lua.LNumber(1))
		} else {
			L.Push(lua.LNumber(0))
		}
		return 1
	}
	line := L.CheckString(1)
	rs.checkRun(L, fmt.Sprintf("running %q", line))
	cmd := exec.CommandContext(rs.ctx, "/bin/sh", "-c", line)
	cmd.Stdout, cmd.Stderr = rs.stdout, rs.stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		L.Push(lua.LNumber(0))
	case errors.As(err, &ee):
		L.Push(lua.LNumber(ee.ExitCode()))
	default:
		L.Push(lua.LNumber(127))
	}
	return 1
}

func (rs *runState) osRemove(L *lua.LState) int {
	path := L.CheckString(1)
	rs.checkWrite(L, path)
	return fileResult(L, os.Remove(path))
}

func (rs *runState) osRename(L *lua.LState) int {
	from, to := L.CheckString(1), L.CheckString(2)
	rs.checkWrite(L, from)
	rs.checkWrite(L, to)
	return fileResult(L, os.Rename(from, to))
}

func (rs *runState) osTmpname(L *lua.LState) int {
	rs.checkWrite(L, os.TempDir())
	f, err := os.CreateTemp("", "lua_")
	if err != nil {
		L.RaiseError("os.tmpname: %s", err)
	}
	f.Close()
	L.Push(lua.LString(f.Name()))
	return 1
}

// fileResult returns true, or nil and the error's message, as the Lua file
// functions do.
func fileResult(L *lua.LState, err error) int {
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	L.Push(lua.LTrue)
	return 1
}
