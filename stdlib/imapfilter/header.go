package imapfilter

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// headerFields returns what a server answers to BODY[HEADER.FIELDS
// (name)] for a message whose header is header: the lines of the fields
// called name (any letter case), continuation lines included, in their
// order, then an empty line.
func headerFields(header, name string) string {
	var out strings.Builder
	keep := false
	rest := header
	for rest != "" {
		line := rest
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i+1], rest[i+1:]
		} else {
			rest = ""
		}
		if line == "\r\n" || line == "\n" {
			break // the end of the header
		}
		if line[0] != ' ' && line[0] != '\t' {
			field, _, ok := strings.Cut(line, ":")
			keep = ok && strings.EqualFold(strings.TrimRight(field, " \t"), name)
		}
		if keep {
			out.WriteString(line)
		}
	}
	out.WriteString("\r\n")
	return out.String()
}

// fields(header, name) -> the header lines of the field name (see
// headerFields).
func (c *core) fields(L *lua.LState) int {
	L.Push(lua.LString(headerFields(L.CheckString(1), L.CheckString(2))))
	return 1
}
