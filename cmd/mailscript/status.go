package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/oauth2"
)

// statusFile is where a running watch publishes the state of its rules'
// triggers, in the state folder, for "mailscript status".
const statusFile = "status.json"

type published struct {
	PID     int                 `json:"pid"`
	Updated time.Time           `json:"updated"`
	Rules   []engine.RuleStatus `json:"rules"`
	// Auth is the state of the OAuth2 sign-ins the accounts use.
	Auth []oauth2.Status `json:"auth,omitempty"`
}

func stateDir(o *options) (string, error) {
	if o.stateDir != "" {
		return o.stateDir, nil
	}
	return engine.DefaultStateDir()
}

// publishStatus writes the engine's status to the status file at every
// change until stop is called, which removes the file.
func publishStatus(e *engine.Engine, o *options, logger *slog.Logger) (stop func()) {
	dir, err := stateDir(o)
	if err != nil {
		return func() {}
	}
	path := filepath.Join(dir, statusFile)
	done := make(chan struct{})
	finished := make(chan struct{})
	write := func() {
		data, _ := json.MarshalIndent(published{PID: os.Getpid(), Updated: time.Now(), Rules: e.Status(), Auth: authStatus()}, "", "  ")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			logger.Warn("cannot publish the status", "err", err)
			return
		}
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, data, 0o600); err == nil {
			err = os.Rename(tmp, path)
			if err != nil {
				logger.Warn("cannot publish the status", "err", err)
			}
		}
	}
	go func() {
		defer close(finished)
		for {
			changed := e.StatusChanged()
			write()
			select {
			case <-done:
				return
			case <-changed:
			}
			// Coalesce bursts of changes.
			t := time.NewTimer(200 * time.Millisecond)
			select {
			case <-done:
				t.Stop()
				return
			case <-t.C:
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		os.Remove(path)
	}
}

func statusCmd(o *options, stdout io.Writer) error {
	dir, err := stateDir(o)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(filepath.Join(dir, statusFile))
	if errors.Is(err, fs.ErrNotExist) {
		return reported{fmt.Errorf("no mailscript watch is running with the state folder %s", dir)}
	}
	if err != nil {
		return err
	}
	var p published
	if err := json.Unmarshal(raw, &p); err != nil {
		return fmt.Errorf("status file %s: %w", filepath.Join(dir, statusFile), err)
	}
	if p.PID <= 0 || syscall.Kill(p.PID, 0) != nil && !errors.Is(syscall.Kill(p.PID, 0), syscall.EPERM) {
		return reported{fmt.Errorf("no mailscript watch is running with the state folder %s (process %d is gone)", dir, p.PID)}
	}
	fmt.Fprintf(stdout, "mailscript watch, process %d, status of %s\n", p.PID, p.Updated.Format(time.DateTime))
	if len(p.Rules) == 0 {
		fmt.Fprintln(stdout, "no rule with triggers is active")
	}
	printAuthStatus(stdout, p.Auth)
	for _, r := range p.Rules {
		fmt.Fprintf(stdout, "%s (active since %s)\n", r.File, r.Since.Format(time.DateTime))
		for _, t := range r.Triggers {
			fmt.Fprintf(stdout, "  %s: %s (since %s; %d calls, %d failed)\n", t.Trigger, t.State, t.StateSince.Format(time.TimeOnly), t.Calls, t.Failures)
		}
	}
	return nil
}
