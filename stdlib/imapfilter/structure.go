package imapfilter

import (
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/imaplib"
)

// structureTable turns a BODYSTRUCTURE into imapfilter's flat table: one
// entry per part, keyed by its part number ("1", "1.2"...), each with
// type ("text/plain"), encoding (lower case), size and name (the file
// name from the disposition, else the Content-Type name parameter). The
// top-level multipart has no entry of its own; a single-part message is
// part "1".
func structureTable(L *lua.LState, bs *imaplib.BodyStructure) *lua.LTable {
	t := L.NewTable()
	var walk func(prefix string, parts []*imaplib.BodyStructure)
	walk = func(prefix string, parts []*imaplib.BodyStructure) {
		for i, p := range parts {
			key := strconv.Itoa(i + 1)
			if prefix != "" {
				key = prefix + "." + key
			}
			L.SetField(t, key, partTable(L, p))
			switch {
			case strings.EqualFold(p.Type, "multipart"):
				walk(key, p.Parts)
			case p.Body != nil:
				if strings.EqualFold(p.Body.Type, "multipart") {
					walk(key, p.Body.Parts)
				} else {
					walk(key, []*imaplib.BodyStructure{p.Body})
				}
			}
		}
	}
	if strings.EqualFold(bs.Type, "multipart") {
		walk("", bs.Parts)
	} else {
		walk("", []*imaplib.BodyStructure{bs})
	}
	return t
}

func partTable(L *lua.LState, p *imaplib.BodyStructure) *lua.LTable {
	t := L.NewTable()
	typ := p.Type + "/" + p.Subtype
	if strings.EqualFold(p.Type, "multipart") {
		typ = "multipart/" + p.Subtype
	}
	L.SetField(t, "type", lua.LString(typ))
	name := p.Param("name")
	if p.Disposition != nil {
		for _, prm := range p.Disposition.Params {
			if strings.EqualFold(prm.Name, "filename") {
				name = prm.Value
			}
		}
	}
	if name != "" {
		L.SetField(t, "name", lua.LString(name))
	}
	if !strings.EqualFold(p.Type, "multipart") {
		if p.Encoding != "" {
			L.SetField(t, "encoding", lua.LString(strings.ToLower(p.Encoding)))
		}
		L.SetField(t, "size", lua.LNumber(p.Size))
	}
	return t
}
