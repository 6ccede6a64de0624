package host

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

type closer struct{ closed int }

func (c *closer) Close() error { c.closed++; return nil }

func TestTrackAndCloseAll(t *testing.T) {
	h := &Host{}
	a, b := &closer{}, &closer{}
	h.Track(a)
	release := h.Track(b)
	release() // b was closed by its owner
	if h.Open() != 1 {
		t.Fatalf("open = %d, want 1", h.Open())
	}
	h.CloseAll()
	if a.closed != 1 || b.closed != 0 {
		t.Fatalf("closed a %d times, b %d times", a.closed, b.closed)
	}
	// Tracking after CloseAll closes at once: a run that is over cannot
	// keep a connection open.
	c := &closer{}
	h.Track(c)
	if c.closed != 1 || h.Open() != 0 {
		t.Fatalf("late closer closed %d times, open %d", c.closed, h.Open())
	}
}

func TestPermissions(t *testing.T) {
	dir := t.TempDir()
	scripts := filepath.Join(dir, "scripts")
	data := filepath.Join(dir, "data")
	for _, d := range []string{scripts, data} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// A link inside the granted folder that points outside it.
	if err := os.Symlink(dir, filepath.Join(data, "escape")); err != nil {
		t.Fatal(err)
	}
	h := &Host{ScriptDir: scripts, Perms: Permissions{Read: []string{data}, Write: []string{data}}}
	cases := []struct {
		name string
		err  error
		flag string
	}{
		{"read own folder", h.CheckRead(filepath.Join(scripts, "lib.lua")), ""},
		{"read granted", h.CheckRead(filepath.Join(data, "x.txt")), ""},
		{"read granted, not yet existing", h.CheckRead(filepath.Join(data, "new", "y.txt")), ""},
		{"read elsewhere", h.CheckRead(filepath.Join(dir, "secret")), "--allow-read"},
		{"read through a link out", h.CheckRead(filepath.Join(data, "escape", "secret")), "--allow-read"},
		{"read with dot-dot", h.CheckRead(filepath.Join(data, "..", "secret")), "--allow-read"},
		{"write granted", h.CheckWrite(filepath.Join(data, "out.txt")), ""},
		{"write the script folder", h.CheckWrite(filepath.Join(scripts, "x.lua")), "--allow-write"},
		{"run", h.CheckRun(`running "ls"`), "--allow-run"},
	}
	for _, tc := range cases {
		var pe *PermissionError
		switch {
		case tc.flag == "" && tc.err != nil:
			t.Errorf("%s: %v", tc.name, tc.err)
		case tc.flag != "" && (!errors.As(tc.err, &pe) || pe.Flag != tc.flag || !errors.Is(tc.err, ErrPermission)):
			t.Errorf("%s: %v, want a refusal naming %s", tc.name, tc.err, tc.flag)
		}
	}
	all := &Host{Perms: All()}
	if all.CheckRun("x") != nil || all.CheckRead("/etc/hostname") != nil || all.CheckWrite(filepath.Join(dir, "f")) != nil {
		t.Fatal("All() refused something")
	}
}

func TestGetSet(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	def := Get(L)
	if def == nil || def.Perms.Run || def.Context == nil {
		t.Fatalf("default host %+v", def)
	}
	if Get(L) != def {
		t.Fatal("the default host is not kept")
	}
	h := &Host{DryRun: true}
	Set(L, h)
	if Get(L) != h {
		t.Fatal("Set did not attach the host")
	}
	t.Setenv("MAILSCRIPT_HOST_TEST", "x")
	if v, ok := h.Getenv("MAILSCRIPT_HOST_TEST"); !ok || v != "x" {
		t.Fatalf("Getenv = %q, %v", v, ok)
	}
	h.Env = func(string) (string, bool) { return "fake", true }
	if v, _ := h.Getenv("MAILSCRIPT_HOST_TEST"); v != "fake" {
		t.Fatalf("Env override: %q", v)
	}
}
