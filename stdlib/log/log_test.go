package log_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/internal/testkit/luatest"
	"github.com/mailscript/mailscript/stdlib/internal/luabind"
	"github.com/mailscript/mailscript/stdlib/log"
)

// setup gives each state a host whose logger writes JSON lines into a
// buffer, and a Lua function returning the records logged so far.
func setup(L *lua.LState) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		}}))
	host.Set(L, &host.Host{Logger: logger})
	L.PreloadModule(log.Name, log.Loader)
	L.SetGlobal("json_null", luabind.Null(L))
	L.SetGlobal("last_records", L.NewFunction(func(L *lua.LState) int {
		t := L.NewTable()
		for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
			if line == "" {
				continue
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				L.RaiseError("bad log line %q: %v", line, err)
			}
			t.Append(toLua(L, m))
		}
		L.Push(t)
		return 1
	}))
}

func toLua(L *lua.LState, v any) lua.LValue {
	switch x := v.(type) {
	case string:
		return lua.LString(x)
	case float64:
		return lua.LNumber(x)
	case bool:
		return lua.LBool(x)
	case map[string]any:
		t := L.NewTable()
		for k, e := range x {
			t.RawSetString(k, toLua(L, e))
		}
		return t
	case []any:
		t := L.NewTable()
		for _, e := range x {
			t.Append(toLua(L, e))
		}
		return t
	}
	return lua.LNil
}

func TestLua(t *testing.T) {
	luatest.Run(t, "testdata/log_test.lua", setup)
}

func TestLevelFilter(t *testing.T) {
	var buf bytes.Buffer
	L := lua.NewState()
	defer L.Close()
	host.Set(L, &host.Host{Logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	L.PreloadModule(log.Name, log.Loader)
	if err := L.DoString(`local log = require("log"); log.info("hidden"); log.warning("shown", {n = 1})`); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "hidden") || !strings.Contains(out, "msg=shown") || !strings.Contains(out, " n=1") {
		t.Errorf("log output %q", out)
	}
}

func TestDefaultHost(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	L.PreloadModule(log.Name, log.Loader)
	// Without a host the default logger discards: logging must not fail.
	if err := L.DoString(`require("log").info("nobody listens", {x = 1})`); err != nil {
		t.Fatal(err)
	}
}
