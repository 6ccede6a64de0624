package imaplib

import "github.com/mailscript/mailscript/imaplib/internal/wire"

// Envelope is the ENVELOPE of a message (RFC 3501 section 7.4.2): header
// fields as the server parsed them. Strings hold the raw header text, not
// decoded: an RFC 2047 encoded word stays encoded. NIL becomes "".
type Envelope struct {
	Date    string
	Subject string
	From    []Address
	Sender  []Address
	ReplyTo []Address
	To      []Address
	Cc      []Address
	Bcc     []Address
	// InReplyTo and MessageID keep their angle brackets.
	InReplyTo string
	MessageID string
}

// An Address is one entry of an envelope address list. Strings are raw; NIL
// becomes "".
//
// RFC 5322 groups ("Friends: a@b.example, c@d.example;") arrive as a start
// marker, the members, and an end marker. The markers stay in the list,
// flagged GroupStart and GroupEnd and holding no address, so that an empty
// group is not lost; members carry the group's name in Group.
type Address struct {
	Name    string // display name
	ADL     string // source route (obsolete, almost always "")
	Mailbox string // local part; for a group start marker, the group's name
	Host    string // domain
	// Group is the name of the group this address is a member of (and of
	// the group a marker opens or closes).
	Group string
	// GroupStart and GroupEnd mark the entries that open and close a group.
	GroupStart, GroupEnd bool
}

// Addr returns "mailbox@host", or just the mailbox when there is no host;
// "" for a group marker.
func (a Address) Addr() string {
	switch {
	case a.GroupStart || a.GroupEnd:
		return ""
	case a.Host == "":
		return a.Mailbox
	}
	return a.Mailbox + "@" + a.Host
}

// parseEnvelope reads an envelope; nil on error.
func parseEnvelope(p *wire.Parser) *Envelope {
	e := &Envelope{}
	if !p.Open() {
		return nil
	}
	e.Date = string(p.NString())
	p.SP()
	e.Subject = string(p.NString())
	for _, list := range []*[]Address{&e.From, &e.Sender, &e.ReplyTo, &e.To, &e.Cc, &e.Bcc} {
		p.SP()
		*list = parseAddressList(p)
	}
	p.SP()
	e.InReplyTo = string(p.NString())
	p.SP()
	e.MessageID = string(p.NString())
	p.Close()
	if p.Err() != nil {
		return nil
	}
	return e
}

// parseAddressList reads "(" 1*address ")" / nil. Addresses may be
// separated by spaces, as some servers write them.
func parseAddressList(p *wire.Parser) []Address {
	if p.NIL() || !p.Open() {
		return nil
	}
	var list []Address
	group := ""
	for p.Err() == nil {
		list = append(list, parseAddress(p, &group))
		c, _ := p.PeekByte()
		if c == ')' {
			p.Close()
			break
		}
		if c == ' ' {
			p.SP()
		}
	}
	if p.Err() != nil {
		return nil
	}
	return list
}

// parseAddress reads "(" name SP adl SP mailbox SP host ")"; group holds
// the name of the group being read, "" outside groups.
func parseAddress(p *wire.Parser, group *string) Address {
	var a Address
	p.Open()
	a.Name = string(p.NString())
	p.SP()
	a.ADL = string(p.NString())
	p.SP()
	mailbox := p.NString()
	p.SP()
	host := p.NString()
	p.Close()
	a.Mailbox, a.Host = string(mailbox), string(host)
	switch {
	case host != nil:
		a.Group = *group
	case mailbox != nil: // NIL host: start of a group named by mailbox
		a.GroupStart = true
		a.Group = a.Mailbox
		*group = a.Mailbox
	default: // NIL mailbox and host: end of group
		a.GroupEnd = true
		a.Group = *group
		*group = ""
	}
	return a
}
