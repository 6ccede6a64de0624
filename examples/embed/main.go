package main

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/mailscript/mailscript/engine"
	lua "github.com/yuin/gopher-lua"
)

//go:embed rules/alert.lua
var alertRule string

// Notifier is what the program hands its scripts: a narrow facade, since
// gopher-luar exposes every exported method.
type Notifier struct {
	mu     sync.Mutex
	alerts []string
}

// Notify records an alert.
func (n *Notifier) Notify(level, text string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.alerts = append(n.alerts, strings.ToUpper(level)+": "+text)
}

// Alerts returns the alerts recorded so far.
func (n *Notifier) Alerts() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.alerts...)
}

// settingsModule is the Lua module "settings": the program's configuration.
func settingsModule(L *lua.LState) int {
	t := L.NewTable()
	L.SetField(t, "mailbox", lua.LString("INBOX"))
	L.SetField(t, "max_unread", lua.LNumber(3))
	L.Push(t)
	return 1
}

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "embed:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, stdout io.Writer) error {
	notifier := &Notifier{}
	e := engine.New(
		engine.WithCapture(),
		engine.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		engine.WithTimeout(10*time.Second),
		engine.WithGlobal("notifier", notifier),
		engine.WithModule("settings", settingsModule),
	)
	// The counts would come from the program's IMAP session.
	res, err := e.RunString(ctx, "alert.lua", alertRule, "INBOX=5", "Archive=1")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "rule %s ran in %s and printed:\n%s", res.File, res.Duration.Round(time.Millisecond), res.Output)
	for _, a := range notifier.Alerts() {
		fmt.Fprintln(stdout, "alert:", a)
	}
	return nil
}
