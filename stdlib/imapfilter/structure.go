package imapfilter

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/imaplib"
)

// uidFetch is UID FETCH set items on h; kind is the kind of fetch
// (fetchItems). BODYSTRUCTURE is fetched as imapfilter 2.8.1 reads it: a
// message whose answer holds a literal (the server sends a string with
// 8-bit text, CR or LF as one) gets no structure, as imapfilter takes the
// FETCH response with a pattern of printable characters, which the line
// break before a literal ends.
func uidFetch(h *imaplib.IMAP4, set imaplib.SeqSet, kind, items string) ([]*imaplib.FetchData, error) {
	if kind != "structure" {
		return h.UIDFetch(set, items)
	}
	literal := map[uint32]bool{}
	var out []*imaplib.FetchData
	err := h.UIDFetchStream(set, items, func(lit imaplib.StreamedLiteral, _ io.Reader) error {
		literal[lit.SeqNum] = true
		return nil
	}, func(fd *imaplib.FetchData) error {
		if literal[fd.SeqNum] {
			fd.BodyStructure = nil
			delete(literal, fd.SeqNum)
		}
		out = append(out, fd)
		return nil
	})
	return out, err
}

// structureOf is the structure of fd as imapfilter 2.8.1 gives it: nil
// when there is none or when a string of it is not printable ASCII (a
// quoted string with a tab, say: imapfilter's pattern for the response
// does not take it). A quoted string holding a " or ending in a
// backslash stops imapfilter's parser of structures, which raises an
// error: structureOf then returns the error's message, which
// Mailbox._fetch_structure raises when the structure is asked for (not
// when it was fetched along with another's).
func structureOf(L *lua.LState, mbox string, fd *imaplib.FetchData) lua.LValue {
	if fd.BodyStructure == nil {
		return nil
	}
	strs := structureStrings(nil, fd.BodyStructure)
	for _, s := range strs {
		if !printableASCII(s) {
			return nil
		}
	}
	for _, s := range strs {
		if strings.Contains(s, `"`) || strings.HasSuffix(s, `\`) {
			return lua.LString(fmt.Sprintf("the structure of message %d of %s cannot be parsed: "+
				"the string %q holds a quote or ends in a backslash (as under imapfilter 2.8.1)", fd.UID, mbox, s))
		}
	}
	return structureTable(L, fd.BodyStructure)
}

// structureTable turns a BODYSTRUCTURE into imapfilter's flat table: one
// entry per part, keyed by its part number ("1", "1.2"...), each with
// type ("text/plain"), encoding (lower case), size and name (the file
// name from the disposition, else the Content-Type name parameter). The
// top-level multipart has no entry of its own; a single-part message is
// part "1". Names and types keep the backslashes of the quoted strings
// the server sent them in ("C:\\dir"), as imapfilter 2.8.1 does not undo
// them.
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
	L.SetField(t, "type", lua.LString(quoted(typ)))
	name := p.Param("name")
	if p.Disposition != nil {
		for _, prm := range p.Disposition.Params {
			if strings.EqualFold(prm.Name, "filename") {
				name = prm.Value
			}
		}
	}
	if name != "" {
		L.SetField(t, "name", lua.LString(quoted(name)))
	}
	if !strings.EqualFold(p.Type, "multipart") {
		if p.Encoding != "" {
			L.SetField(t, "encoding", lua.LString(strings.ToLower(p.Encoding)))
		}
		L.SetField(t, "size", lua.LNumber(p.Size))
	}
	return t
}

// quoted is s with its backslashes doubled, as it stands inside the
// quoted string that carried it.
func quoted(s string) string { return strings.ReplaceAll(s, `\`, `\\`) }

// structureStrings appends to strs every string of bs, its parts and
// the envelopes of its attached messages.
func structureStrings(strs []string, bs *imaplib.BodyStructure) []string {
	strs = append(strs, bs.Type, bs.Subtype, bs.ID, bs.Description, bs.Encoding, bs.MD5, bs.Location)
	strs = append(strs, bs.Language...)
	strs = appendParams(strs, bs.Params)
	if d := bs.Disposition; d != nil {
		strs = appendParams(append(strs, d.Type), d.Params)
	}
	if e := bs.Envelope; e != nil {
		strs = append(strs, e.Date, e.Subject, e.InReplyTo, e.MessageID)
		for _, list := range [][]imaplib.Address{e.From, e.Sender, e.ReplyTo, e.To, e.Cc, e.Bcc} {
			for _, a := range list {
				strs = append(strs, a.Name, a.ADL, a.Mailbox, a.Host)
			}
		}
	}
	strs = appendValues(strs, bs.Extensions)
	for _, p := range bs.Parts {
		strs = structureStrings(strs, p)
	}
	if bs.Body != nil {
		strs = structureStrings(strs, bs.Body)
	}
	return strs
}

func appendParams(strs []string, params []imaplib.Param) []string {
	for _, p := range params {
		strs = append(strs, p.Name, p.Value)
	}
	return strs
}

// appendValues is structureStrings for extension data.
func appendValues(strs []string, vs []any) []string {
	for _, v := range vs {
		switch v := v.(type) {
		case string:
			strs = append(strs, v)
		case []any:
			strs = appendValues(strs, v)
		}
	}
	return strs
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
