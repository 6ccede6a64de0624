package engine

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"
)

// The io library of a run. It follows Lua 5.1's io, with these
// differences: io.stdout and io.stderr are the run's output writers (not
// the program's), io.stdin is the engine's input, every file the script
// opens is closed when the run ends, opening a file for reading or writing
// needs the matching permission, and io.popen needs --allow-run.

const fileType = "mailscript.io.file"

// luaFile is a file handle of a run.
type luaFile struct {
	name    string
	f       *os.File // nil for the standard streams and processes
	r       *bufio.Reader
	w       io.Writer
	cmd     *exec.Cmd // io.popen
	pipe    io.Closer // io.popen: the pipe to close before waiting
	std     bool      // io.stdin/stdout/stderr: close is a no-op
	remove  bool      // io.tmpfile: removed on close
	closed  bool      // closed by the script; only the run's goroutine uses it
	release func()    // forgets the file in the host's tracking

	once sync.Once
	err  error
}

// Close releases the file's resources once; the host calls it from another
// goroutine when the run ends, so it touches nothing the script uses but
// what is safe for concurrent use.
func (f *luaFile) Close() error {
	f.once.Do(func() {
		if f.f != nil {
			f.err = f.f.Close()
			if f.remove {
				os.Remove(f.f.Name())
			}
		}
		if f.cmd != nil {
			if f.pipe != nil {
				f.pipe.Close()
			}
			f.err = f.cmd.Wait()
		}
	})
	return f.err
}

// closeByScript closes the file at the script's request.
func (f *luaFile) closeByScript() error {
	f.closed = true
	if f.release != nil {
		f.release()
	}
	return f.Close()
}

func (rs *runState) openIO(L *lua.LState) *lua.LTable {
	mt := L.NewTypeMetatable(fileType)
	methods := L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"read":    fileRead,
		"write":   fileWrite,
		"lines":   fileLines,
		"close":   rs.fileClose,
		"flush":   fileFlush,
		"seek":    fileSeek,
		"setvbuf": fileSetvbuf,
	})
	mt.RawSetString("__index", methods)
	mt.RawSetString("__tostring", L.NewFunction(fileString))

	stdin := rs.newFile(L, &luaFile{name: "stdin", r: rs.stdinReader(), std: true})
	stdout := rs.newFile(L, &luaFile{name: "stdout", w: rs.stdout, std: true})
	stderr := rs.newFile(L, &luaFile{name: "stderr", w: rs.stderr, std: true})
	defaults := L.NewTable() // [1] input, [2] output
	defaults.RawSetInt(1, stdin)
	defaults.RawSetInt(2, stdout)

	mod := L.NewTable()
	mod.RawSetString("stdin", stdin)
	mod.RawSetString("stdout", stdout)
	mod.RawSetString("stderr", stderr)
	L.SetFuncs(mod, map[string]lua.LGFunction{
		"open":    rs.ioOpen,
		"popen":   rs.ioPopen,
		"tmpfile": rs.ioTmpfile,
		"type":    ioType,
	})
	L.SetFuncs(mod, map[string]lua.LGFunction{
		"input":  rs.ioDefault(1, "r"),
		"output": rs.ioDefault(2, "w"),
		"read": func(L *lua.LState) int {
			return readFormats(L, defaults.RawGetInt(1).(*lua.LUserData).Value.(*luaFile), 1)
		},
		"write": func(L *lua.LState) int {
			ud := defaults.RawGetInt(2).(*lua.LUserData)
			return writeValues(L, ud, 1)
		},
		"lines": func(L *lua.LState) int {
			if L.GetTop() == 0 {
				L.Push(linesIter(L, defaults.RawGetInt(1).(*lua.LUserData), false))
				return 1
			}
			ud := rs.open(L, L.CheckString(1), "r")
			L.Push(linesIter(L, ud, true))
			return 1
		},
		"close": func(L *lua.LState) int {
			if L.GetTop() == 0 {
				L.Push(defaults.RawGetInt(2))
			}
			return rs.fileClose(L)
		},
	}, defaults)
	return mod
}

// ioDefault makes io.input (slot 1) and io.output (slot 2).
func (rs *runState) ioDefault(slot int, mode string) lua.LGFunction {
	return func(L *lua.LState) int {
		defaults := L.CheckTable(lua.UpvalueIndex(1))
		switch v := L.Get(1).(type) {
		case *lua.LNilType:
		case lua.LString:
			defaults.RawSetInt(slot, rs.open(L, string(v), mode))
		case *lua.LUserData:
			checkFile(L, 1)
			defaults.RawSetInt(slot, v)
		default:
			L.ArgError(1, "file or file name expected")
		}
		L.Push(defaults.RawGetInt(slot))
		return 1
	}
}

func (rs *runState) newFile(L *lua.LState, f *luaFile) *lua.LUserData {
	if !f.std {
		f.release = rs.h.Track(f)
	}
	ud := L.NewUserData()
	ud.Value = f
	L.SetMetatable(ud, L.GetTypeMetatable(fileType))
	return ud
}

func checkFile(L *lua.LState, n int) *luaFile {
	ud := L.CheckUserData(n)
	f, ok := ud.Value.(*luaFile)
	if !ok {
		L.ArgError(n, "file expected")
	}
	return f
}

func checkOpen(L *lua.LState, n int) *luaFile {
	f := checkFile(L, n)
	if f.closed {
		L.RaiseError("attempt to use a closed file")
	}
	return f
}

// open opens path in mode after checking the permission it needs; a
// failure of the file system raises an error.
func (rs *runState) open(L *lua.LState, path, mode string) *lua.LUserData {
	ud, err := rs.tryOpen(L, path, mode)
	if err != nil {
		L.RaiseError("%s", err)
	}
	return ud
}

// tryOpen opens path in mode; a refused permission raises an error, a
// failure of the file system is returned.
func (rs *runState) tryOpen(L *lua.LState, path, mode string) (*lua.LUserData, error) {
	m := strings.ReplaceAll(mode, "b", "")
	var flag int
	var read, write bool
	switch m {
	case "r":
		flag, read = os.O_RDONLY, true
	case "w":
		flag, write = os.O_WRONLY|os.O_CREATE|os.O_TRUNC, true
	case "a":
		flag, write = os.O_WRONLY|os.O_CREATE|os.O_APPEND, true
	case "r+":
		flag, read, write = os.O_RDWR, true, true
	case "w+":
		flag, read, write = os.O_RDWR|os.O_CREATE|os.O_TRUNC, true, true
	case "a+":
		flag, read, write = os.O_RDWR|os.O_CREATE|os.O_APPEND, true, true
	default:
		L.ArgError(2, fmt.Sprintf("invalid mode '%s'", mode))
	}
	if read {
		rs.checkRead(L, path)
	}
	if write {
		rs.checkWrite(L, path)
	}
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return nil, err
	}
	lf := &luaFile{name: path, f: f}
	if read {
		lf.r = bufio.NewReader(f)
	}
	if write {
		lf.w = f
	}
	return rs.newFile(L, lf), nil
}

func (rs *runState) ioOpen(L *lua.LState) int {
	path := L.CheckString(1)
	mode := L.OptString(2, "r")
	ud, err := rs.tryOpen(L, path, mode)
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	L.Push(ud)
	return 1
}

func (rs *runState) ioPopen(L *lua.LState) int {
	line := L.CheckString(1)
	mode := L.OptString(2, "r")
	if mode != "r" && mode != "w" {
		L.ArgError(2, fmt.Sprintf("invalid mode '%s'", mode))
	}
	rs.checkRun(L, fmt.Sprintf("running %q", line))
	cmd := exec.CommandContext(rs.ctx, "/bin/sh", "-c", line)
	cmd.Stderr = rs.stderr
	lf := &luaFile{name: line, cmd: cmd}
	if mode == "r" {
		out, err := cmd.StdoutPipe()
		if err != nil {
			return fileResult(L, err)
		}
		lf.r = bufio.NewReader(out)
	} else {
		cmd.Stdout = rs.stdout
		in, err := cmd.StdinPipe()
		if err != nil {
			return fileResult(L, err)
		}
		lf.w, lf.pipe = in, in
	}
	if err := cmd.Start(); err != nil {
		return fileResult(L, err)
	}
	L.Push(rs.newFile(L, lf))
	return 1
}

func (rs *runState) ioTmpfile(L *lua.LState) int {
	rs.checkWrite(L, os.TempDir())
	f, err := os.CreateTemp("", "lua_")
	if err != nil {
		return fileResult(L, err)
	}
	L.Push(rs.newFile(L, &luaFile{name: f.Name(), f: f, r: bufio.NewReader(f), w: f, remove: true}))
	return 1
}

func ioType(L *lua.LState) int {
	ud, ok := L.Get(1).(*lua.LUserData)
	if !ok {
		L.Push(lua.LNil)
		return 1
	}
	f, ok := ud.Value.(*luaFile)
	switch {
	case !ok:
		L.Push(lua.LNil)
	case f.closed:
		L.Push(lua.LString("closed file"))
	default:
		L.Push(lua.LString("file"))
	}
	return 1
}

func fileString(L *lua.LState) int {
	f := checkFile(L, 1)
	if f.closed {
		L.Push(lua.LString("file (closed)"))
	} else {
		L.Push(lua.LString(fmt.Sprintf("file (%p)", f)))
	}
	return 1
}

func (rs *runState) fileClose(L *lua.LState) int {
	f := checkOpen(L, 1)
	if f.std {
		L.Push(lua.LTrue)
		return 1
	}
	err := f.closeByScript()
	if f.cmd != nil {
		var ee *exec.ExitError
		switch {
		case err == nil:
			L.Push(lua.LTrue)
		case errors.As(err, &ee):
			L.Push(lua.LNil)
		default:
			return fileResult(L, err)
		}
		L.Push(lua.LString("exit"))
		L.Push(lua.LNumber(f.cmd.ProcessState.ExitCode()))
		return 3
	}
	return fileResult(L, err)
}

func fileFlush(L *lua.LState) int {
	f := checkOpen(L, 1)
	if f.f != nil {
		f.f.Sync()
	}
	L.Push(L.Get(1))
	return 1
}

func fileSetvbuf(L *lua.LState) int {
	checkOpen(L, 1)
	L.Push(lua.LTrue)
	return 1
}

func fileSeek(L *lua.LState) int {
	f := checkOpen(L, 1)
	whence := map[string]int{"set": io.SeekStart, "cur": io.SeekCurrent, "end": io.SeekEnd}
	w, ok := whence[L.OptString(2, "cur")]
	if !ok {
		L.ArgError(2, "invalid option")
	}
	off := int64(L.OptInt64(3, 0))
	if f.f == nil {
		L.Push(lua.LNil)
		L.Push(lua.LString("cannot seek on this file"))
		return 2
	}
	if w == io.SeekCurrent && f.r != nil {
		off -= int64(f.r.Buffered())
	}
	pos, err := f.f.Seek(off, w)
	if err != nil {
		return fileResult(L, err)
	}
	if f.r != nil {
		f.r.Reset(f.f)
	}
	L.Push(lua.LNumber(pos))
	return 1
}

func fileWrite(L *lua.LState) int {
	return writeValues(L, L.CheckUserData(1), 2)
}

// writeValues writes the arguments from n on to the file of ud and returns
// the file, or nil and a message.
func writeValues(L *lua.LState, ud *lua.LUserData, n int) int {
	f, ok := ud.Value.(*luaFile)
	if !ok {
		L.ArgError(1, "file expected")
	}
	if f.closed {
		L.RaiseError("attempt to use a closed file")
	}
	if f.w == nil {
		L.Push(lua.LNil)
		L.Push(lua.LString("file not open for writing"))
		return 2
	}
	var b strings.Builder
	for i := n; i <= L.GetTop(); i++ {
		switch v := L.Get(i).(type) {
		case lua.LString:
			b.WriteString(string(v))
		case lua.LNumber:
			b.WriteString(v.String())
		default:
			L.ArgError(i, "string expected, got "+v.Type().String())
		}
	}
	if f.r != nil && f.f != nil && f.r.Buffered() > 0 {
		f.f.Seek(-int64(f.r.Buffered()), io.SeekCurrent)
		f.r.Reset(f.f)
	}
	if _, err := io.WriteString(f.w, b.String()); err != nil {
		return fileResult(L, err)
	}
	L.Push(ud)
	return 1
}

func fileRead(L *lua.LState) int {
	return readFormats(L, checkOpen(L, 1), 2)
}

func fileLines(L *lua.LState) int {
	checkOpen(L, 1)
	L.Push(linesIter(L, L.CheckUserData(1), false))
	return 1
}

// linesIter returns an iterator over the lines of the file of ud; when
// closeAtEOF, the file is closed after its last line.
func linesIter(L *lua.LState, ud *lua.LUserData, closeAtEOF bool) *lua.LFunction {
	return L.NewFunction(func(L *lua.LState) int {
		f := ud.Value.(*luaFile)
		if f.closed {
			L.RaiseError("file is already closed")
		}
		if f.r == nil {
			L.RaiseError("file not open for reading")
		}
		line, ok := readLine(f.r, false)
		if !ok {
			if closeAtEOF {
				f.closeByScript()
			}
			L.Push(lua.LNil)
			return 1
		}
		L.Push(lua.LString(line))
		return 1
	})
}

// readFormats reads from f by the formats from argument n on ("*l" when
// none), as Lua's file:read does: one value per format, nil from the
// first format that fails.
func readFormats(L *lua.LState, f *luaFile, n int) int {
	if f.closed {
		L.RaiseError("attempt to use a closed file")
	}
	if f.r == nil {
		L.Push(lua.LNil)
		L.Push(lua.LString("file not open for reading"))
		return 2
	}
	top := L.GetTop()
	if top < n {
		L.Push(lua.LString("*l"))
		top = n
	}
	pushed := 0
	for i := n; i <= top; i++ {
		var v lua.LValue = lua.LNil
		switch a := L.Get(i).(type) {
		case lua.LNumber:
			v = readCount(f.r, int(a))
		case lua.LString:
			switch strings.TrimPrefix(string(a), "*") {
			case "l":
				if s, ok := readLine(f.r, false); ok {
					v = lua.LString(s)
				}
			case "L":
				if s, ok := readLine(f.r, true); ok {
					v = lua.LString(s)
				}
			case "a":
				b, _ := io.ReadAll(f.r)
				v = lua.LString(b)
			case "n":
				v = readNumber(f.r)
			default:
				L.ArgError(i, "invalid format")
			}
		default:
			L.ArgError(i, "invalid format")
		}
		L.Push(v)
		pushed++
		if v == lua.LNil {
			break
		}
	}
	return pushed
}

func readLine(r *bufio.Reader, keepNL bool) (string, bool) {
	s, err := r.ReadString('\n')
	if err != nil && s == "" {
		return "", false
	}
	if !keepNL {
		s = strings.TrimSuffix(s, "\n")
	}
	return s, true
}

func readCount(r *bufio.Reader, n int) lua.LValue {
	if n <= 0 {
		if _, err := r.Peek(1); err != nil {
			return lua.LNil
		}
		return lua.LString("")
	}
	buf := make([]byte, n)
	got, _ := io.ReadFull(r, buf)
	if got == 0 {
		return lua.LNil
	}
	return lua.LString(buf[:got])
}

func readNumber(r *bufio.Reader) lua.LValue {
	for {
		c, err := r.ReadByte()
		if err != nil {
			return lua.LNil
		}
		if !strings.ContainsRune(" \t\r\n\f\v", rune(c)) {
			r.UnreadByte()
			break
		}
	}
	var b strings.Builder
	for b.Len() < 200 {
		c, err := r.ReadByte()
		if err != nil {
			break
		}
		if !strings.ContainsRune("0123456789+-.eExXabcdefABCDEFpP", rune(c)) {
			r.UnreadByte()
			break
		}
		b.WriteByte(c)
	}
	s := b.String()
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		return lua.LNumber(v)
	}
	if v, err := strconv.ParseInt(s, 0, 64); err == nil {
		return lua.LNumber(v)
	}
	return lua.LNil
}
