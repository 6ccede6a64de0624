package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lua52Case is a config that only computes and prints, with what the
// real imapfilter 2.8 (Lua 5.2) printed for it.
type lua52Case struct {
	name, config string
	stdout       string
	stderr       string // part of the error; "": the config runs
}

// runLua52Cases runs each case as a user runs a config, with -c FILE.
func runLua52Cases(t *testing.T, cases []lua52Case) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.lua")
			if err := os.WriteFile(path, []byte(tc.config), 0o600); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), []string{"imapfilter", "-c", path}, &stdout, &stderr)
			if tc.stderr == "" && err != nil {
				t.Fatalf("%v\n%s", err, stderr.String())
			}
			if tc.stderr != "" && (err == nil || !strings.Contains(stderr.String(), tc.stderr)) {
				t.Fatalf("error %v, stderr %q, want %q", err, stderr.String(), tc.stderr)
			}
			if stdout.String() != tc.stdout {
				t.Errorf("printed %q, want %q", stdout.String(), tc.stdout)
			}
		})
	}
}

// TestIMAPFilterLua52Escapes runs configs with the string escapes of Lua
// 5.2 that Lua 5.1 lacks.
func TestIMAPFilterLua52Escapes(t *testing.T) {
	runLua52Cases(t, []lua52Case{
		{name: "hex and z", config: "print(\"\\x41\\x62\", #\"caf\\xE9\")\nlocal s = \"a\\z\n     b\"\nprint(s, (\"x\\z\n\n  y\"):upper())\nerror(\"line 6\")\n",
			stdout: "Ab\t4\nab\tXY\n", stderr: "config.lua:7: line 6"},
		{name: "hex in a pattern", config: `print(("caf\xE9!"):find("\xE9"), ("caf\233"):match("[\xE0-\xEF]") == "\xE9")` + "\n",
			stdout: "4\ttrue\n"},
		{name: "short hex", config: "x = 1\ns = \"\\x4\"\n",
			stderr: `config.lua:2: hexadecimal digit expected near '\x4"'`},
		{name: "unknown escape", config: "x = 1\n\ns = \"\\d+\"\n",
			stderr: `config.lua:3: invalid escape sequence near '\d'`},
		{name: "decimal escape too large", config: "s = \"\\256\"\n",
			stderr: `config.lua:1: decimal escape too large near '\256'`},
	})
}
