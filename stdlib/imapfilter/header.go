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

// unblank turns a field's block as headerFields returns it, "Name:
// value\r\n\r\n", into "Name: value\n": the blank line that ends it
// becomes one newline.
func unblank(v string) string {
	if strings.HasSuffix(v, "\r\n\r\n") {
		return v[:len(v)-4] + "\n"
	}
	return v
}

// fieldsOf(headers, uids, fields, caches) -> {uid = text}
//
// It is fetch_fields for many messages whose whole headers are at hand
// ({uid = header}): for each UID of uids, the blocks of the fields (each
// unblanked), one after the other, less the last newline; "" for a
// message without a header. caches holds, per field name, the blocks
// already taken ({uid = block}); those taken here are added.
func (c *core) fieldsOf(L *lua.LState) int {
	headers, uids, fields, caches := L.CheckTable(1), L.CheckTable(2), L.CheckTable(3), L.CheckTable(4)
	n := uids.Len()
	// Built as the Lua loop it replaces did, UID after UID of the list
	// (so a UID listed twice gets its fields twice, as before).
	out := L.CreateTable(0, n)
	for i := 1; i <= n; i++ {
		out.RawSet(uids.RawGetInt(i), lua.LString(""))
	}
	for fi := 1; fi <= fields.Len(); fi++ {
		f := lua.LVAsString(fields.RawGetInt(fi))
		cache, _ := caches.RawGetString(f).(*lua.LTable)
		for i := 1; i <= n; i++ {
			m := uids.RawGetInt(i)
			var v lua.LValue = lua.LNil
			if cache != nil {
				v = cache.RawGet(m)
			}
			if v == lua.LNil {
				if h, ok := headers.RawGet(m).(lua.LString); ok {
					v = lua.LString(unblank(headerFields(string(h), f)))
					if cache != nil {
						cache.RawSet(m, v)
					}
				}
			}
			if s, ok := v.(lua.LString); ok {
				out.RawSet(m, lua.LString(lua.LVAsString(out.RawGet(m))+string(s)))
			}
		}
	}
	for i := 1; i <= n; i++ {
		m := uids.RawGetInt(i)
		out.RawSet(m, lua.LString(strings.TrimSuffix(lua.LVAsString(out.RawGet(m)), "\n")))
	}
	L.Push(out)
	return 1
}
