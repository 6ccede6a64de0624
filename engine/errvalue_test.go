package engine_test

import (
	"context"
	"errors"
	"testing"

	"github.com/mailscript/mailscript/engine"
)

// An error raised as a value with a __tostring (as imaplib's exceptions
// are) reads as its __tostring in the run's error.
func TestErrorValueWithTostring(t *testing.T) {
	_, err := engine.New().RunString(context.Background(), "exc.lua", `
local exc = setmetatable({message = "boom"}, {__tostring = function(e) return "demo.Error: " .. e.message end})
error(exc)
`)
	var se *engine.ScriptError
	if !errors.As(err, &se) {
		t.Fatalf("error %v", err)
	}
	if se.Message != "demo.Error: boom" || se.Line != 3 {
		t.Errorf("message %q at line %d, want %q at line 3", se.Message, se.Line, "demo.Error: boom")
	}
}
