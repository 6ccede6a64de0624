package imaplib

import "strings"

// Enable asks the server to turn on extensions (ENABLE, RFC 5161), as
// Python's enable(capability): capability is sent verbatim and may name
// several, space separated. The server lists what it turned on in an
// untagged ENABLED response, left for Response("ENABLED").
//
// When UTF8=ACCEPT (RFC 6855) is enabled, the session switches to UTF-8
// mode, as Python's does: Search refuses a charset, and Append sends the
// message as UTF8 (~{n}...). It is refused without sending anything when
// the server does not advertise ENABLE ("Server does not support
// ENABLE"); unlike Python, which checks only the capabilities read at
// connect time, ENABLE advertised after login counts too.
func (m *IMAP4) Enable(capability string) (string, []Item, error) {
	if !m.HasCapability("ENABLE") {
		return "", nil, newError(KindError, nil, "Server does not support ENABLE")
	}
	typ, dat, err := m.simple("ENABLE", capability)
	if err != nil {
		return "", nil, err
	}
	if typ == "OK" && strings.Contains(strings.ToUpper(capability), "UTF8=ACCEPT") {
		m.utf8 = true
	}
	return typ, dat, nil
}
