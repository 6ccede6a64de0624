package luabind

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"
)

// Python's built-in exception classes, shared by every module that mirrors
// a Python API: imaplib.ValueError is the class ssl raises for a bad
// verify_mode, so one is(e) test covers both.
var (
	ValueError = &Class{Name: "ValueError", Qualname: "ValueError"}
	TypeError  = &Class{Name: "TypeError", Qualname: "TypeError"}
	KeyError   = &Class{Name: "KeyError", Qualname: "KeyError"}
	IndexError = &Class{Name: "IndexError", Qualname: "IndexError"}
	OSError    = &Class{Name: "OSError", Qualname: "OSError"}
	// TimeoutError is an OSError, raised when a timeout runs out.
	TimeoutError = &Class{Name: "TimeoutError", Qualname: "TimeoutError", Parent: OSError}
)

// RaiseClass raises a new error of class c, its message made by fmt of
// format and args. It does not return.
func RaiseClass(L *lua.LState, c *Class, format string, args ...any) {
	L.Error(NewError(L, c, fmt.Sprintf(format, args...)), 1)
}
