package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/mailscript/mailscript/types"
)

const typesHelp = `Usage: mailscript types [DIR]

Writes the annotation files of mailscript's Lua API (one per module, in
the "---@meta" format of lua-language-server) into DIR, default ./types,
creating it if needed, so that editors complete and type-check scripts.
Existing files of the same names are replaced; no other file is touched.

Then point the editor at DIR, for example with a .luarc.json next to the
scripts:

  {"workspace.library": ["types"], "runtime.version": "Lua 5.1"}
`

func typesCmd(args []string, stdout, stderr io.Writer) error {
	dir := "types"
	switch {
	case len(args) == 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help"):
		fmt.Fprint(stdout, typesHelp)
		return nil
	case len(args) == 1:
		dir = args[0]
	case len(args) > 1:
		return usagef("types takes one folder, not %d", len(args))
	}
	names, err := fs.Glob(types.FS, "*.lua")
	if err != nil {
		return err
	}
	sort.Strings(names)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("types: %w", err)
	}
	for _, n := range names {
		b, err := fs.ReadFile(types.FS, n)
		if err != nil {
			return fmt.Errorf("types: %w", err)
		}
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			return fmt.Errorf("types: %w", err)
		}
	}
	fmt.Fprintf(stdout, "wrote %d annotation files to %s\n", len(names), dir)
	return nil
}
