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
