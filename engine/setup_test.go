package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/engine"
)

func TestWithSetup(t *testing.T) {
	e := engine.New(engine.WithCapture(), engine.WithSetup(func(L *lua.LState) error {
		L.SetGlobal("greeting", lua.LString("hello"))
		return nil
	}))
	res, err := e.RunString(context.Background(), "setup.lua", `print(greeting)`)
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Output) != "hello\n" {
		t.Errorf("printed %q", res.Output)
	}

	ran := false
	e = engine.New(engine.WithSetup(func(L *lua.LState) error {
		L.SetGlobal("mark", L.NewFunction(func(*lua.LState) int { ran = true; return 0 }))
		return errors.New("no vocabulary today")
	}))
	_, err = e.RunString(context.Background(), "setup.lua", `mark()`)
	if err == nil || !strings.Contains(err.Error(), "no vocabulary today") {
		t.Errorf("a failed setup gave %v", err)
	}
	if ran {
		t.Error("the script ran after its setup failed")
	}
}

func TestWithTeardown(t *testing.T) {
	tests := []struct {
		name, script string
		teardownErr  error
		wantSeen     string // the error the teardown was given, "" for nil
		wantErr      string // the run's error, "" for none
	}{
		{name: "returned", script: `x = 1`},
		{name: "failed", script: `error('boom')`, wantSeen: "boom", wantErr: "boom"},
		{name: "teardown fails", script: `x = 1`, teardownErr: errors.New("flush failed"), wantErr: "flush failed"},
		{name: "script error wins", script: `error('boom')`, teardownErr: errors.New("flush failed"),
			wantSeen: "boom", wantErr: "boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen error
			var global lua.LValue
			calls := 0
			e := engine.New(engine.WithTeardown(func(L *lua.LState, err error) error {
				calls++
				seen, global = err, L.GetGlobal("x")
				return tt.teardownErr
			}))
			_, err := e.RunString(context.Background(), "teardown.lua", tt.script)
			if calls != 1 {
				t.Fatalf("teardown ran %d times", calls)
			}
			if (seen == nil) != (tt.wantSeen == "") || seen != nil && !strings.Contains(seen.Error(), tt.wantSeen) {
				t.Errorf("teardown saw %v, want %q", seen, tt.wantSeen)
			}
			if tt.wantSeen == "" && global != lua.LNumber(1) {
				t.Errorf("teardown saw the global x = %v, not the state of the script", global)
			}
			if (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("run error %v, want %q", err, tt.wantErr)
			}
			if err != nil && tt.wantErr == "boom" && strings.Contains(err.Error(), "flush failed") {
				t.Errorf("the teardown's error replaced the script's: %v", err)
			}
		})
	}
}
