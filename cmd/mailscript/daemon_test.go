package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// startWatch runs "mailscript ARGS" in the background until the log
// holds want; it returns the log and a stop function.
func startWatch(t *testing.T, want string, args ...string) (*notifyWriter, func() error) {
	t.Helper()
	log := &notifyWriter{want: want, seen: make(chan struct{})}
	seen := log.seen
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, io.Discard, log) }()
	select {
	case <-seen:
	case err := <-done:
		cancel()
		t.Fatalf("watch ended: %v\n%s", err, log.String())
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatalf("watch did not log %q:\n%s", want, log.String())
	}
	var stopped bool
	var err error
	stop := func() error {
		if !stopped {
			stopped = true
			cancel()
			err = <-done
		}
		return err
	}
	t.Cleanup(func() { stop() })
	return log, stop
}

// A second watch on a state folder refuses to start; a shard, which has
// a state folder of its own, starts.
func TestWatchStateLock(t *testing.T) {
	rules, state := t.TempDir(), t.TempDir()
	writeFile(t, rules, "tick.lua", `require("engine").every("1h", function() end)`)
	_, stop := startWatch(t, "msg=watching", "--state-dir", state, "--log-format=text", "watch", rules)

	var errb strings.Builder
	err := run(t.Context(), []string{"--state-dir", state, "--log-format=text", "watch", rules}, io.Discard, &errb)
	if err == nil || !strings.Contains(errb.String(), "another mailscript watch (pid") || !strings.Contains(errb.String(), state) {
		t.Fatalf("second watch: %v\n%s", err, errb.String())
	}
	if exitCode(err) != 1 {
		t.Errorf("exit status %d, want 1", exitCode(err))
	}

	_, stopShard := startWatch(t, "msg=watching", "--state-dir", state, "--log-format=text", "watch", "--shard", "0/2", rules)
	var errs strings.Builder
	if err := run(t.Context(), []string{"--state-dir", state, "watch", "--shard", "0/2", rules}, io.Discard, &errs); err == nil {
		t.Fatal("a second watch of shard 0/2 started")
	}
	if !strings.Contains(errs.String(), filepath.Join(state, "shard-0-of-2")) {
		t.Errorf("the refusal does not name the shard's folder:\n%s", errs.String())
	}
	if err := stopShard(); err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	// Once stopped, the folder is free again.
	_, stop = startWatch(t, "msg=watching", "--state-dir", state, "--log-format=text", "watch", rules)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestWatchUsageErrors(t *testing.T) {
	rules := t.TempDir()
	for _, args := range [][]string{
		{"watch", "--shard", "2/2", rules},
		{"watch", "--shard", "x", rules},
		{"watch", "--listen", "nope", rules},
		{"watch", "--command-timeout", "-1s", rules},
		{"watch", "--coalesce", "-5ms", rules},
	} {
		err := run(t.Context(), append([]string{"--state-dir", t.TempDir()}, args...), io.Discard, io.Discard)
		if exitCode(err) != 2 {
			t.Errorf("%v: %v (exit %d), want a usage error", args, err, exitCode(err))
		}
	}
}

// watch --listen serves /healthz and /metrics, on loopback when the host
// is left out.
func TestWatchListen(t *testing.T) {
	rules := t.TempDir()
	writeFile(t, rules, "tick.lua", `require("engine").every("1h", function() end)`)
	log, stop := startWatch(t, "trigger=\"every 1h0m0s\" state=waiting", "--state-dir", t.TempDir(), "--log-format=text", "watch", "--listen", ":0", rules)
	m := regexp.MustCompile(`msg="serving /healthz and /metrics" addr=(\S+)`).FindStringSubmatch(log.String())
	if m == nil {
		t.Fatalf("no listening address in the log:\n%s", log.String())
	}
	if !strings.HasPrefix(m[1], "127.0.0.1:") {
		t.Errorf("listening on %s, want loopback", m[1])
	}
	resp, err := http.Get("http://" + m[1] + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "ok\n" {
		t.Errorf("/healthz: %d %q", resp.StatusCode, body)
	}
	resp, err = http.Get("http://" + m[1] + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "mailscript_rules_active 1") ||
		!strings.Contains(string(body), `mailscript_trigger_state{rule="`+filepath.Join(rules, "tick.lua")+`",state="waiting",trigger="every 1h0m0s"} 1`) {
		t.Errorf("/metrics: %d\n%s", resp.StatusCode, body)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// The example systemd unit's command line is one mailscript accepts.
func TestSystemdUnitCommandLine(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "examples", "systemd", "mailscript-watch.service"))
	if err != nil {
		t.Fatal(err)
	}
	unit := strings.ReplaceAll(string(raw), "\\\n", " ")
	for _, want := range []string{"Restart=on-failure", "StateDirectory=", "--listen="} {
		if !strings.Contains(unit, want) {
			t.Errorf("the unit lacks %s", want)
		}
	}
	var args []string
	for _, line := range strings.Split(unit, "\n") {
		if cmd, ok := strings.CutPrefix(line, "ExecStart="); ok {
			args = strings.Fields(cmd)[1:]
		}
	}
	if len(args) == 0 {
		t.Fatal("no ExecStart")
	}
	rules, state := t.TempDir(), t.TempDir()
	for i, a := range args {
		a = strings.ReplaceAll(a, "${STATE_DIRECTORY}", state)
		a = strings.ReplaceAll(a, "/etc/mailscript/rules", rules)
		args[i] = strings.ReplaceAll(a, ":9109", ":0")
	}
	_, stop := startWatch(t, `"msg":"watching"`, args...)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
