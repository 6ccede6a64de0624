package re

import (
	"fmt"
	"strconv"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

// Name is the name scripts pass to require.
const Name = "re"

// Metatable names of the userdata types.
const (
	PatternType = "re.Pattern"
	MatchType   = "re.Match"
)

var funcs = map[string]lua.LGFunction{
	"compile":   apiCompile,
	"search":    apiSearch,
	"match":     apiMatch,
	"fullmatch": apiFullmatch,
	"findall":   apiFindall,
	"finditer":  apiFinditer,
	"sub":       apiSub,
	"subn":      apiSubn,
	"split":     apiSplit,
	"escape":    apiEscape,
	"purge":     apiPurge,
}

func patternMethods() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"search":    patSearch,
		"match":     patMatch,
		"fullmatch": patFullmatch,
		"findall":   patFindall,
		"finditer":  patFinditer,
		"sub":       patSub,
		"subn":      patSubn,
		"split":     patSplit,
	}
}

func matchMethods() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"group":     mGroup,
		"groups":    mGroups,
		"groupdict": mGroupdict,
		"span":      mSpan,
		"start":     mStart,
		"end_":      mEnd,
		"end":       mEnd,
		"expand":    mExpand,
	}
}

// Loader is the gopher-lua loader of the re module.
func Loader(L *lua.LState) int {
	register(L)
	flags := map[string]lua.LValue{}
	for name, v := range map[string]int{"IGNORECASE": IGNORECASE, "I": IGNORECASE, "MULTILINE": MULTILINE,
		"M": MULTILINE, "DOTALL": DOTALL, "S": DOTALL, "UNICODE": UNICODE, "U": UNICODE, "ASCII": ASCII, "A": ASCII, "NOFLAG": 0} {
		flags[name] = lua.LNumber(v)
	}
	flags["error"] = luabind.ClassTable(L, ClassError)
	L.Push(luabind.NewModule(L, funcs, flags))
	return 1
}

// ClassError is re.error, the class of the errors of a bad pattern or
// replacement template (its message names the module: "re: ...").
var ClassError = &luabind.Class{Name: "error", Qualname: "re.error", Bare: true}

// The userdata types (built in init: their methods refer back to them).
var patternType, matchType *luabind.Type

func init() {
	patternType = &luabind.Type{
		Name:    PatternType,
		Methods: patternMethods(),
		Fields:  []string{"pattern", "flags", "groups", "groupindex"},
		Field:   patField,
		String: func(_ *lua.LState, ud *lua.LUserData) string {
			return fmt.Sprintf("re.compile(%s)", strconv.Quote(ud.Value.(*Pattern).Source))
		},
	}
	matchType = &luabind.Type{
		Name:    MatchType,
		Methods: matchMethods(),
		Fields:  []string{"string", "re", "pos", "endpos", "lastindex", "lastgroup"},
		Field:   matchField,
		String:  matchString,
	}
}

func register(L *lua.LState) {
	luabind.Register(L, patternType)
	luabind.Register(L, matchType)
}
