package engine

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/yuin/gopher-lua/parse"

	lua "github.com/yuin/gopher-lua"
)

// Result is the outcome of one run.
type Result struct {
	// File is the script's path as given to Run, or the name given to
	// RunString.
	File string
	// Args are the script's arguments (arg[1], arg[2], ...).
	Args []string
	// Start is when the run began; Duration how long it took.
	Start    time.Time
	Duration time.Duration
	// Err is nil when the script ran to its end or called os.exit(0).
	// Otherwise it is a *ScriptError (Lua error, compile error, timeout,
	// cancellation), an *ExitError (os.exit with a failure code), or an
	// error about the file itself (not found, unreadable).
	Err error
	// Output is what the script printed, when the engine captures output
	// (WithCapture).
	Output []byte
	// Loaded lists the Lua files the run loaded besides the script itself
	// (with require, dofile or loadfile), in the order they were loaded.
	Loaded []string
	// Triggers describes the triggers the rule registered (mail.on_new,
	// engine.every, ...): when there are any, the rule stayed alive after
	// its main chunk, reacting to them, until it was stopped.
	Triggers []string
	// RunID identifies the run in the journal of the state folder
	// ("mailscript runs", "explain", "undo"); "" when the engine keeps no
	// journal (no state folder, or dry-run).
	RunID string
}

// OK reports whether the run succeeded.
func (r *Result) OK() bool { return r.Err == nil }

// ScriptError is the error of a script that failed: a Lua error it raised
// or that a library raised on its behalf, a syntax error, or the run being
// stopped by its timeout or its context.
type ScriptError struct {
	// File and Line locate the error: the innermost Lua position the
	// message names, or the top of the traceback. Line is 0 when unknown.
	File string
	Line int
	// Message is the error message without its position.
	Message string
	// Traceback is the Lua stack traceback at the error, when there is one.
	Traceback string
	// Cause is the Go error behind the failure when there is one: a
	// context error for timeouts and cancellations, a
	// *host.PermissionError for a refused call, a syntax error.
	Cause error
}

// Error returns "engine: FILE:LINE: MESSAGE".
func (e *ScriptError) Error() string { return "engine: " + e.text() }

// text is the error as Lua shows it: "FILE:LINE: MESSAGE".
func (e *ScriptError) text() string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message)
	case e.File != "":
		return fmt.Sprintf("%s: %s", e.File, e.Message)
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *ScriptError) Unwrap() error { return e.Cause }

// ExitError is the result of a script that called os.exit with a failure
// status.
type ExitError struct {
	File string
	Code int
}

// Error returns "engine: FILE: exit status CODE".
func (e *ExitError) Error() string {
	return fmt.Sprintf("engine: %s: exit status %d", e.File, e.Code)
}

// ErrTimeout is the cause of a run stopped by the engine's timeout;
// errors.Is(err, ErrTimeout) and errors.Is(err, context.DeadlineExceeded)
// both hold for it.
var ErrTimeout = timeoutError{}

type timeoutError struct{}

func (timeoutError) Error() string { return "engine: run timed out" }

func (timeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// positionRE matches a Lua position prefix "chunk:line: message".
var positionRE = regexp.MustCompile(`^(.+?):(\d+): `)

// tracebackRE matches a frame of a traceback: "\tchunk:line: in ...".
var tracebackRE = regexp.MustCompile(`(?m)^\t(.+?):(\d+): in `)

// newScriptError builds a ScriptError from an error of a Lua call.
func newScriptError(file string, err error) *ScriptError {
	se := &ScriptError{File: file}
	var api *lua.ApiError
	if !errors.As(err, &api) {
		se.Message = err.Error()
		se.Cause = err
		return se
	}
	se.Traceback = api.StackTrace
	if api.Cause != nil {
		se.Cause = api.Cause
	}
	if api.Type == lua.ApiErrorSyntax {
		fillSyntax(se, api.Cause)
		return se
	}
	msg := ""
	if api.Object != nil {
		msg = api.Object.String()
	}
	if m := positionRE.FindStringSubmatch(msg); m != nil {
		se.File, se.Line = m[1], atoi(m[2])
		msg = msg[len(m[0]):]
	} else if m := tracebackRE.FindStringSubmatch(api.StackTrace); m != nil {
		se.File, se.Line = m[1], atoi(m[2])
	}
	se.Message = msg
	return se
}

// fillSyntax fills se from a syntax or compile error.
func fillSyntax(se *ScriptError, cause error) {
	var pe *parse.Error
	var ce *lua.CompileError
	switch {
	case errors.As(cause, &pe):
		se.Line = pe.Pos.Line
		if pe.Pos.Line == parse.EOF {
			se.Line = 0
			se.Message = "syntax error at end of file: " + pe.Message
		} else if pe.Token != "" {
			se.Message = fmt.Sprintf("syntax error near '%s': %s", pe.Token, pe.Message)
		} else {
			se.Message = "syntax error: " + pe.Message
		}
	case errors.As(cause, &ce):
		se.Line = ce.Line
		se.Message = "compile error: " + ce.Message
	case cause != nil:
		se.Message = strings.TrimSpace(cause.Error())
	default:
		se.Message = "syntax error"
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
