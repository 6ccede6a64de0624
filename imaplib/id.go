package imaplib

import (
	"slices"

	"github.com/mailscript/mailscript/imaplib/internal/wire"
)

// ID limits of RFC 2971: at most 30 fields, names up to 30 octets, values
// up to 1024 octets.
const (
	idMaxFields = 30
	idMaxName   = 30
	idMaxValue  = 1024
)

// ID tells the server who the client is and returns what the server says
// about itself (ID, RFC 2971). fields such as {"name": "mailscript",
// "version": "1.0"} are sent as quoted strings (or literals), in name
// order; a nil or empty map sends NIL. The server's answer comes back as
// a map, nil when it answered NIL; a NIL value becomes "". Python's
// imaplib has no ID; this is a Go-level helper. The server must advertise
// ID; a refusal is an error of kind error.
func (m *IMAP4) ID(fields map[string]string) (map[string]string, error) {
	if !m.HasCapability("ID") {
		return nil, newError(KindError, nil, "Server does not support ID")
	}
	if len(fields) > idMaxFields {
		return nil, newError(KindValue, nil, "ID: %d fields, at most %d allowed", len(fields), idMaxFields)
	}
	names := make([]string, 0, len(fields))
	for k, v := range fields {
		if len(k) > idMaxName || len(v) > idMaxValue {
			return nil, newError(KindValue, nil, "ID: field %q longer than %d octets or its value longer than %d", k, idMaxName, idMaxValue)
		}
		names = append(names, k)
	}
	slices.Sort(names)
	typ, dat, err := m.run(&command{name: "ID", build: func(c *wire.Command) {
		c.SP()
		if len(names) == 0 {
			c.RawString("NIL")
			return
		}
		c.RawString("(")
		for i, k := range names {
			if i > 0 {
				c.SP()
			}
			c.String(k)
			c.SP()
			c.String(fields[k])
		}
		c.RawString(")")
	}})
	if err != nil {
		return nil, err
	}
	if typ != "OK" {
		return nil, newError(KindError, nil, "ID refused: %s", decodeReplace(lastLine(dat)))
	}
	_, resp := m.untaggedResponse(typ, dat, "ID")
	return parseID(resp)
}

// parseID parses the last ID response of a data list.
func parseID(data []Item) (map[string]string, error) {
	var out map[string]string
	p := newParser()
	err := eachResponse("ID", data, func(r *wire.Response) error {
		p.Reset(r)
		out = nil
		if p.NIL() {
			return p.Err()
		}
		out = make(map[string]string)
		p.List(func() {
			k := p.String()
			p.SP()
			v := p.NString()
			out[string(k)] = string(v)
		})
		if !p.ExpectEnd() {
			out = nil
			return p.Err()
		}
		return nil
	})
	return out, err
}
