package email

import (
	"regexp"
	"strings"
)

// Address is a parsed address: display name and addr-spec.
type Address struct {
	Name, Addr string
}

// addrParser is a recursive-descent reader of address lists with the same
// (lenient, obs-syntax tolerant) results as Python's email._parseaddr.
type addrParser struct {
	field    string
	pos      int
	comments []string
}

const (
	addrSpecials   = "()<>@,:;.\"[]"
	addrLWS        = " \t"
	addrCR         = "\r\n"
	addrAtomEnds   = addrSpecials + addrLWS + addrCR
	addrPhraseEnds = "()<>@,:;\"[]" + addrLWS + addrCR
)

func in(c byte, set string) bool { return strings.IndexByte(set, c) >= 0 }

// ParseAddresses parses an address list (the joined values of To, Cc...)
// as Python's getaddresses does: unparsable pieces give empty pairs.
func ParseAddresses(field string) []Address {
	if field == "" {
		return nil
	}
	p := &addrParser{field: field}
	var out []Address
	for p.pos < len(p.field) {
		ad := p.address()
		if len(ad) > 0 {
			out = append(out, ad...)
		} else {
			out = append(out, Address{})
		}
	}
	return out
}

// ParseAddr returns the first address of s, or an empty Address, as
// Python's email.utils.parseaddr does.
func ParseAddr(s string) Address {
	l := ParseAddresses(s)
	if len(l) == 0 {
		return Address{}
	}
	return l[0]
}

func (p *addrParser) gotoNext() string {
	var ws []byte
	for p.pos < len(p.field) {
		c := p.field[p.pos]
		if in(c, addrLWS+"\n\r") {
			if c != '\n' && c != '\r' {
				ws = append(ws, c)
			}
			p.pos++
		} else if c == '(' {
			p.comments = append(p.comments, p.comment())
		} else {
			break
		}
	}
	return string(ws)
}

func (p *addrParser) address() []Address {
	p.comments = nil
	p.gotoNext()
	// Python restores its comment list here too, but it is the same list
	// object, so comments read since stay: only the position goes back.
	oldPos := p.pos
	plist := p.phraseList()
	p.gotoNext()
	var ret []Address
	switch {
	case p.pos >= len(p.field):
		if len(plist) > 0 {
			ret = []Address{{strings.Join(p.comments, " "), plist[0]}}
		}
	case in(p.field[p.pos], ".@"):
		p.pos = oldPos
		spec := p.addrSpec()
		ret = []Address{{strings.Join(p.comments, " "), spec}}
	case p.field[p.pos] == ':':
		p.pos++
		for p.pos < len(p.field) {
			p.gotoNext()
			if p.pos < len(p.field) && p.field[p.pos] == ';' {
				p.pos++
				break
			}
			ret = append(ret, p.address()...)
		}
	case p.field[p.pos] == '<':
		route := p.routeAddr()
		name := strings.Join(plist, " ")
		if len(p.comments) > 0 {
			name += " (" + strings.Join(p.comments, " ") + ")"
		}
		ret = []Address{{name, route}}
	default:
		if len(plist) > 0 {
			ret = []Address{{strings.Join(p.comments, " "), plist[0]}}
		} else if in(p.field[p.pos], addrSpecials) {
			p.pos++
		}
	}
	p.gotoNext()
	if p.pos < len(p.field) && p.field[p.pos] == ',' {
		p.pos++
	}
	return ret
}

func (p *addrParser) routeAddr() string {
	if p.field[p.pos] != '<' {
		return ""
	}
	expectRoute := false
	p.pos++
	p.gotoNext()
	adlist := ""
	for p.pos < len(p.field) {
		if expectRoute {
			p.domain()
			expectRoute = false
		} else if c := p.field[p.pos]; c == '>' {
			p.pos++
			break
		} else if c == '@' {
			p.pos++
			expectRoute = true
		} else if c == ':' {
			p.pos++
		} else {
			adlist = p.addrSpec()
			p.pos++
			break
		}
		p.gotoNext()
	}
	return adlist
}

func (p *addrParser) addrSpec() string {
	var as []string
	p.gotoNext()
	for p.pos < len(p.field) {
		preserveWS := true
		c := p.field[p.pos]
		if c == '.' {
			if len(as) > 0 && strings.TrimSpace(as[len(as)-1]) == "" {
				as = as[:len(as)-1]
			}
			as = append(as, ".")
			p.pos++
			preserveWS = false
		} else if c == '"' {
			as = append(as, `"`+Quote(p.quote())+`"`)
		} else if in(c, addrAtomEnds) {
			if len(as) > 0 && strings.TrimSpace(as[len(as)-1]) == "" {
				as = as[:len(as)-1]
			}
			break
		} else {
			as = append(as, p.atom(addrAtomEnds))
		}
		ws := p.gotoNext()
		if preserveWS && ws != "" {
			as = append(as, ws)
		}
	}
	if p.pos >= len(p.field) || p.field[p.pos] != '@' {
		return strings.Join(as, "")
	}
	as = append(as, "@")
	p.pos++
	p.gotoNext()
	d := p.domain()
	if d == "" {
		return ""
	}
	return strings.Join(as, "") + d
}

func (p *addrParser) domain() string {
	var sd []string
	for p.pos < len(p.field) {
		c := p.field[p.pos]
		switch {
		case in(c, addrLWS):
			p.pos++
		case c == '(':
			p.comments = append(p.comments, p.comment())
		case c == '[':
			sd = append(sd, "["+p.delimited('[', "]\r", false)+"]")
		case c == '.':
			p.pos++
			sd = append(sd, ".")
		case c == '@':
			return ""
		case in(c, addrAtomEnds):
			return strings.Join(sd, "")
		default:
			sd = append(sd, p.atom(addrAtomEnds))
		}
	}
	return strings.Join(sd, "")
}

func (p *addrParser) delimited(begin byte, ends string, allowComments bool) string {
	if p.field[p.pos] != begin {
		return ""
	}
	var b strings.Builder
	quote := false
	p.pos++
	for p.pos < len(p.field) {
		c := p.field[p.pos]
		if quote {
			b.WriteByte(c)
			quote = false
		} else if in(c, ends) {
			p.pos++
			break
		} else if allowComments && c == '(' {
			b.WriteString(p.comment())
			continue
		} else if c == '\\' {
			quote = true
		} else {
			b.WriteByte(c)
		}
		p.pos++
	}
	return b.String()
}

func (p *addrParser) quote() string   { return p.delimited('"', "\"\r", false) }
func (p *addrParser) comment() string { return p.delimited('(', ")\r", true) }

func (p *addrParser) atom(ends string) string {
	start := p.pos
	for p.pos < len(p.field) && !in(p.field[p.pos], ends) {
		p.pos++
	}
	return p.field[start:p.pos]
}

func (p *addrParser) phraseList() []string {
	var pl []string
	for p.pos < len(p.field) {
		c := p.field[p.pos]
		switch {
		case in(c, addrLWS+addrCR):
			p.pos++
		case c == '"':
			pl = append(pl, p.quote())
		case c == '(':
			p.comments = append(p.comments, p.comment())
		case in(c, addrPhraseEnds):
			return pl
		default:
			pl = append(pl, p.atom(addrPhraseEnds))
		}
	}
	return pl
}

var (
	addrSpecialsRE = regexp.MustCompile(`[][\\()<>@,:;".]`)
	addrEscapesRE  = regexp.MustCompile(`[\\"]`)
)

// FormatAddr is Python's formataddr with the utf-8 charset: a non-ASCII
// name becomes an encoded word, a name with specials is quoted.
func FormatAddr(a Address) string {
	if a.Name == "" {
		return a.Addr
	}
	if !isASCII(a.Name) {
		return EncodeWord(a.Name, "utf-8") + " <" + a.Addr + ">"
	}
	q := ""
	name := a.Name
	if addrSpecialsRE.MatchString(name) {
		q = `"`
	}
	name = addrEscapesRE.ReplaceAllString(name, `\$0`)
	return q + name + q + " <" + a.Addr + ">"
}
