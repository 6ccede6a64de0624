package log

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

// Name is the name scripts pass to require.
const Name = "log"

// LevelCritical is the slog level of log.critical.
const LevelCritical = slog.Level(12)

var levels = map[string]slog.Level{
	"debug": slog.LevelDebug, "info": slog.LevelInfo, "warning": slog.LevelWarn,
	"warn": slog.LevelWarn, "error": slog.LevelError, "critical": LevelCritical,
}

// Loader is the gopher-lua loader of the log module.
func Loader(L *lua.LState) int {
	funcs := map[string]lua.LGFunction{
		"log": func(L *lua.LState) int {
			name := L.CheckString(1)
			lvl, ok := levels[strings.ToLower(name)]
			if !ok {
				L.ArgError(1, fmt.Sprintf("log: unknown level %q (debug, info, warning, error, critical)", name))
			}
			emit(L, lvl, 2)
			return 0
		},
	}
	for name, lvl := range levels {
		funcs[name] = func(L *lua.LState) int {
			emit(L, lvl, 1)
			return 0
		}
	}
	L.Push(luabind.NewModule(L, funcs, nil))
	return 1
}

// emit logs the message at stack index first, with format arguments and a
// trailing fields table.
func emit(L *lua.LState, lvl slog.Level, first int) {
	h := host.Get(L)
	msg := L.CheckString(first)
	top := L.GetTop()
	var fields *lua.LTable
	if t, ok := L.Get(top).(*lua.LTable); ok && top > first {
		fields = t
		top--
	}
	if top > first {
		args := make([]lua.LValue, 0, top-first+1)
		args = append(args, lua.LString(msg))
		for i := first + 1; i <= top; i++ {
			args = append(args, L.Get(i))
		}
		format := L.GetField(L.GetGlobal("string"), "format")
		if err := L.CallByParam(lua.P{Fn: format, NRet: 1, Protect: true}, args...); err != nil {
			L.RaiseError("log: bad format arguments for %q: %v", msg, err)
		}
		msg = L.Get(-1).String()
		L.Pop(1)
	}
	ctx := h.Context
	if ctx == nil {
		ctx = context.Background()
	}
	logger := h.Logger
	if logger == nil || !logger.Enabled(ctx, lvl) {
		return
	}
	attrs := []slog.Attr{slog.String("source", strings.TrimSuffix(L.Where(1), ":"))}
	if fields != nil {
		attrs = append(attrs, tableAttrs(fields, 0)...)
	}
	logger.LogAttrs(ctx, lvl, msg, attrs...)
}

const maxDepth = 10

func tableAttrs(t *lua.LTable, depth int) []slog.Attr {
	var keys []string
	vals := map[string]lua.LValue{}
	t.ForEach(func(k, v lua.LValue) {
		ks := k.String()
		keys = append(keys, ks)
		vals[ks] = v
	})
	sort.Strings(keys)
	attrs := make([]slog.Attr, 0, len(keys))
	for _, k := range keys {
		attrs = append(attrs, attr(k, vals[k], depth))
	}
	return attrs
}

func attr(k string, v lua.LValue, depth int) slog.Attr {
	switch x := v.(type) {
	case lua.LString:
		return slog.String(k, string(x))
	case lua.LNumber:
		f := float64(x)
		if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return slog.Int64(k, int64(f))
		}
		return slog.Float64(k, f)
	case lua.LBool:
		return slog.Bool(k, bool(x))
	case *lua.LTable:
		if depth >= maxDepth {
			return slog.String(k, "{...}")
		}
		if n := x.Len(); n > 0 {
			list := make([]any, 0, n)
			for i := 1; i <= n; i++ {
				list = append(list, value(x.RawGetInt(i), depth+1))
			}
			return slog.Any(k, list)
		}
		return slog.Attr{Key: k, Value: slog.GroupValue(tableAttrs(x, depth+1)...)}
	}
	if luabind.IsNull(v) {
		return slog.Any(k, nil)
	}
	return slog.String(k, v.String())
}

func value(v lua.LValue, depth int) any {
	a := attr("", v, depth)
	return a.Value.Any()
}
