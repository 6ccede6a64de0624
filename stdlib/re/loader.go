package re

import (
	lua "github.com/yuin/gopher-lua"
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
	mod := L.SetFuncs(L.NewTable(), funcs)
	for name, v := range map[string]int{"IGNORECASE": IGNORECASE, "I": IGNORECASE, "MULTILINE": MULTILINE,
		"M": MULTILINE, "DOTALL": DOTALL, "S": DOTALL, "UNICODE": UNICODE, "U": UNICODE, "ASCII": ASCII, "A": ASCII, "NOFLAG": 0} {
		L.SetField(mod, name, lua.LNumber(v))
	}
	L.Push(mod)
	return 1
}

func register(L *lua.LState) {
	if L.GetTypeMetatable(PatternType) != lua.LNil {
		return
	}
	pm := L.NewTypeMetatable(PatternType)
	pmethods := L.SetFuncs(L.NewTable(), patternMethods())
	L.SetField(pm, "__index", L.NewFunction(func(L *lua.LState) int { return patIndex(L, pmethods) }))
	L.SetField(pm, "__tostring", L.NewFunction(patToString))
	L.SetField(pm, "__name", lua.LString(PatternType))
	mm := L.NewTypeMetatable(MatchType)
	mmethods := L.SetFuncs(L.NewTable(), matchMethods())
	L.SetField(mm, "__index", L.NewFunction(func(L *lua.LState) int { return matchIndex(L, mmethods) }))
	L.SetField(mm, "__tostring", L.NewFunction(matchToString))
	L.SetField(mm, "__name", lua.LString(MatchType))
}
