package email

import (
	"encoding/base64"
	"fmt"

	"strings"
	"unicode/utf8"
)

// This file folds header fields the way Python's email.policy.default does
// (_header_value_parser._refold_parse_tree): a field value becomes a small
// token tree shaped like Python's parse tree, and the folding algorithm
// walks it, wrapping at syntactic breaks and turning non-ASCII text into
// RFC 2047 encoded words, and MIME parameters into RFC 2231 sections.

// maxLineLength is the default policy's max_line_length.
const maxLineLength = 78

type ewAllowed int8

const (
	ewInherit ewAllowed = iota // a list: allowed when every child is
	ewYes
	ewNo
)

// tok is one node of a parse tree: a terminal (text) or a list (kids).
type tok struct {
	kind      string
	text      string
	kids      []*tok
	terminal  bool
	ws        bool // a whitespace terminal
	ew        ewAllowed
	noCombine bool    // ew_combine_allowed is false
	noBreak   bool    // syntactic_break is false
	params    []Param // mime-parameters: the parameters, decoded
}

func term(kind, text string) *tok { return &tok{kind: kind, text: text, terminal: true} }
func wsTerm(text string) *tok     { return &tok{kind: "fws", text: text, terminal: true, ws: true} }
func list(kind string, kids ...*tok) *tok {
	return &tok{kind: kind, kids: kids}
}

func (t *tok) String() string {
	if t.terminal {
		return t.text
	}
	var b strings.Builder
	for _, k := range t.kids {
		b.WriteString(k.String())
	}
	if t.kind == "bare-quoted-string" {
		return `"` + strings.ReplaceAll(strings.ReplaceAll(b.String(), `\`, `\\`), `"`, `\"`) + `"`
	}
	return b.String()
}

func (t *tok) asEWAllowed() bool {
	switch t.ew {
	case ewYes:
		return true
	case ewNo:
		return false
	}
	if t.terminal {
		return true
	}
	for _, k := range t.kids {
		if !k.asEWAllowed() {
			return false
		}
	}
	return true
}

func (t *tok) startsWithFWS() bool {
	if t.terminal {
		return t.ws
	}
	return len(t.kids) > 0 && t.kids[0].startsWithFWS()
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

func stealTrailingWSP(lines []string) string {
	last := lines[len(lines)-1]
	if last != "" && (last[len(last)-1] == ' ' || last[len(last)-1] == '\t') {
		lines[len(lines)-1] = last[:len(last)-1]
		return last[len(last)-1:]
	}
	return ""
}

var endEWNotAllowed = &tok{kind: "wrap_as_ew_blocked", terminal: true}

// refold is Python's _refold_parse_tree with the default policy (us-ascii,
// linesep "\n"). It is a port of Python's function and keeps its shape,
// so that the two can be compared side by side.
//
//mailscript:port
func refold(root *tok, maxlen int) string {
	lines := []string{""}
	lastEW := -1
	blocked := 0
	wantEncoding := false
	parts := append([]*tok(nil), root.kids...)
	for len(parts) > 0 {
		part := parts[0]
		parts = parts[1:]
		if part == endEWNotAllowed {
			blocked--
			continue
		}
		tstr := part.String()
		if !wantEncoding {
			if part.kind == "ptext" {
				wantEncoding = strings.ContainsAny(tstr, "()<>@,:;.\\\"[]\r\n")
			} else {
				wantEncoding = strings.ContainsAny(tstr, "\r\n")
			}
		}
		if !isASCII(tstr) {
			wantEncoding = true
		}
		if part.kind == "mime-parameters" {
			lines = foldMIMEParameters(part, lines, maxlen)
			continue
		}
		if wantEncoding && blocked == 0 {
			if !part.asEWAllowed() {
				wantEncoding = false
				lastEW = -1
				if !part.noBreak {
					enc := strings.TrimSuffix(refold(part, maxlen), "\n")
					if !strings.Contains(enc, "\n") {
						if runeLen(enc) > maxlen-len(lines[len(lines)-1]) {
							nl := stealTrailingWSP(lines)
							lines = append(lines, nl)
						}
						lines[len(lines)-1] += enc
						continue
					}
				}
			}
			if !part.terminal {
				parts = append(append([]*tok(nil), part.kids...), parts...)
				wantEncoding = false
				continue
			} else if part.asEWAllowed() {
				lines, lastEW = foldAsEW(tstr, lines, maxlen, lastEW, !part.noCombine)
				wantEncoding = false
				continue
			}
			lastEW = -1
			wantEncoding = false
		}
		if runeLen(tstr) <= maxlen-len(lines[len(lines)-1]) {
			lines[len(lines)-1] += tstr
			continue
		}
		if !part.noBreak && runeLen(tstr)+1 <= maxlen {
			nl := stealTrailingWSP(lines)
			if nl != "" || part.startsWithFWS() {
				lines = append(lines, nl+tstr)
				lastEW = -1
				continue
			}
		}
		if !part.terminal {
			kids := append([]*tok(nil), part.kids...)
			if !part.asEWAllowed() {
				blocked++
				kids = append(kids, endEWNotAllowed)
			}
			parts = append(kids, parts...)
			continue
		}
		if part.asEWAllowed() && blocked == 0 {
			parts = append([]*tok{part}, parts...)
			wantEncoding = true
			continue
		}
		nl := stealTrailingWSP(lines)
		if nl != "" || part.startsWithFWS() {
			lines = append(lines, nl+tstr)
		} else {
			lines[len(lines)-1] += tstr
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// foldAsEW is Python's _fold_as_ew for the utf-8 charset.
func foldAsEW(toEncode string, lines []string, maxlen, lastEW int, combine bool) ([]string, int) {
	if lastEW >= 0 && combine {
		last := lines[len(lines)-1]
		toEncode = decodeUnstructured(last[lastEW:] + toEncode)
		lines[len(lines)-1] = last[:lastEW]
	}
	r := []rune(toEncode)
	if len(r) > 0 && (r[0] == ' ' || r[0] == '\t') {
		if len(lines[len(lines)-1]) == maxlen {
			lines = append(lines, stealTrailingWSP(lines))
		}
		lines[len(lines)-1] += string(r[0])
		r = r[1:]
	}
	trailing := ""
	if len(r) > 0 && (r[len(r)-1] == ' ' || r[len(r)-1] == '\t') {
		trailing = string(r[len(r)-1])
		r = r[:len(r)-1]
	}
	newLast := lastEW
	if lastEW < 0 {
		newLast = len(lines[len(lines)-1])
	}
	const chrome = len("utf-8") + 7
	for len(r) > 0 {
		remaining := maxlen - len(lines[len(lines)-1])
		space := remaining - chrome
		if space <= 0 {
			lines = append(lines, " ")
			continue
		}
		n := min(space, len(r))
		word := encodeEW(string(r[:n]))
		for len(word) > remaining && n > 1 {
			n--
			word = encodeEW(string(r[:n]))
		}
		lines[len(lines)-1] += word
		r = r[n:]
		if len(r) > 0 {
			lines = append(lines, " ")
			newLast = len(lines[len(lines)-1])
		}
	}
	lines[len(lines)-1] += trailing
	if !combine {
		return lines, -1
	}
	return lines, newLast
}

// encodeEW is Python's _encoded_words.encode(s, "utf-8"): Q unless it is
// at least 5 characters longer than B.
func encodeEW(s string) string {
	b := []byte(s)
	qlen := 0
	for _, c := range b {
		if qSafe(c) || c == ' ' {
			qlen++
		} else {
			qlen += 3
		}
	}
	blen := (len(b) + 2) / 3 * 4
	if qlen-blen >= 5 {
		return "=?utf-8?b?" + base64.StdEncoding.EncodeToString(b) + "?="
	}
	var sb strings.Builder
	sb.WriteString("=?utf-8?q?")
	for _, c := range b {
		switch {
		case c == ' ':
			sb.WriteByte('_')
		case qSafe(c):
			sb.WriteByte(c)
		default:
			fmt.Fprintf(&sb, "=%02X", c)
		}
	}
	sb.WriteString("?=")
	return sb.String()
}

// decodeUnstructured is str(get_unstructured(s)) for text made of plain
// words and encoded words: encoded words decoded, the blanks between two
// encoded words dropped.
func decodeUnstructured(s string) string {
	var b strings.Builder
	pendingWS := ""
	lastWasEW := false
	i := 0
	for i < len(s) {
		if s[i] == ' ' || s[i] == '\t' {
			j := i
			for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
				j++
			}
			pendingWS = s[i:j]
			i = j
			continue
		}
		j := i
		for j < len(s) && s[j] != ' ' && s[j] != '\t' {
			j++
		}
		word := s[i:j]
		i = j
		dec, isEW := decodeOneEW(word)
		if !(isEW && lastWasEW) {
			b.WriteString(pendingWS)
		}
		pendingWS = ""
		if isEW {
			b.WriteString(dec)
		} else {
			b.WriteString(word)
		}
		lastWasEW = isEW
	}
	b.WriteString(pendingWS)
	return b.String()
}

func decodeOneEW(w string) (string, bool) {
	if !strings.HasPrefix(w, "=?") || !strings.HasSuffix(w, "?=") || len(w) < 8 {
		return "", false
	}
	f := strings.Split(w[2:len(w)-2], "?")
	if len(f) != 3 {
		return "", false
	}
	var raw []byte
	switch strings.ToLower(f[1]) {
	case "q":
		raw = []byte(decodeQHeader(f[2]))
	case "b":
		d, err := base64.StdEncoding.DecodeString(f[2])
		if err != nil {
			return "", false
		}
		raw = d
	default:
		return "", false
	}
	s, ok := DecodeCharset(raw, f[0])
	return s, ok
}

// foldMIMEParameters is Python's _fold_mime_parameters (us-ascii policy).
func foldMIMEParameters(part *tok, lines []string, maxlen int) []string {
	for _, p := range part.params {
		name, value := p.Name, p.Collapse()
		if !strings.HasSuffix(strings.TrimRight(lines[len(lines)-1], " \t"), ";") {
			lines[len(lines)-1] += ";"
		}
		charset := "us-ascii"
		encoded := !isASCII(value)
		var t string
		if encoded {
			charset = "utf-8"
			t = name + "*=" + charset + "''" + pyURLQuote(value)
		} else {
			t = name + "=" + `"` + Quote(value) + `"`
		}
		if len(lines[len(lines)-1])+len(t)+1 < maxlen {
			lines[len(lines)-1] += " " + t
			continue
		} else if len(t)+2 <= maxlen {
			lines = append(lines, " "+t)
			continue
		}
		section := 0
		extra := charset + "''"
		r := []rune(value)
		ml := maxlen
		for len(r) > 0 {
			chrome := len(name) + len(fmt.Sprint(section)) + 3 + len(extra)
			if ml <= chrome+3 {
				ml = 78
			}
			maxchars := ml - chrome - 2
			split := min(maxchars, len(r))
			var ev string
			for {
				ev = pyURLQuote(string(r[:split]))
				if len(ev) <= maxchars {
					break
				}
				split--
			}
			lines = append(lines, fmt.Sprintf(" %s*%d*=%s%s", name, section, extra, ev))
			extra = ""
			section++
			r = r[split:]
			if len(r) > 0 {
				lines[len(lines)-1] += ";"
			}
		}
	}
	return lines
}

// pyURLQuote is urllib.parse.quote(s, safe=""): every byte but letters,
// digits and "_.-~" percent-encoded.
func pyURLQuote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_.-~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// --- parse trees of the header kinds ----------------------------------

func isWSP(c byte) bool { return c == ' ' || c == '\t' }

// unstructuredTree is get_unstructured: words and blanks.
func unstructuredTree(v string) *tok {
	root := list("unstructured")
	i := 0
	for i < len(v) {
		j := i
		if isWSP(v[i]) {
			for j < len(v) && isWSP(v[j]) {
				j++
			}
			root.kids = append(root.kids, wsTerm(v[i:j]))
		} else {
			for j < len(v) && !isWSP(v[j]) {
				j++
			}
			root.kids = append(root.kids, term("vtext", v[i:j]))
		}
		i = j
	}
	return root
}

// addrParser builds Python's address-list tree for the common forms:
// addr-spec, phrase <addr-spec>, "quoted" <addr-spec>, comma-separated.
type treeParser struct {
	s string
	i int
}

func (p *treeParser) cfws() *tok {
	j := p.i
	for j < len(p.s) && isWSP(p.s[j]) {
		j++
	}
	if j == p.i {
		return nil
	}
	t := list("cfws", wsTerm(p.s[p.i:j]))
	t.ew = ewInherit
	p.i = j
	return t
}

const atomEnds = "()<>@,:;.\\\"[] \t"

func (p *treeParser) atext() string {
	j := p.i
	for j < len(p.s) && strings.IndexByte(atomEnds, p.s[j]) < 0 {
		j++
	}
	s := p.s[p.i:j]
	p.i = j
	return s
}

func appendNonNil(kids []*tok, ts ...*tok) []*tok {
	for _, t := range ts {
		if t != nil {
			kids = append(kids, t)
		}
	}
	return kids
}

// word parses an atom or a quoted string, with the blanks around it.
func (p *treeParser) word() (*tok, bool) {
	lead := p.cfws()
	if p.i < len(p.s) && p.s[p.i] == '"' {
		j := p.i + 1
		bare := list("bare-quoted-string")
		k := j
		for j < len(p.s) && p.s[j] != '"' {
			if p.s[j] == '\\' && j+1 < len(p.s) {
				j += 2
				continue
			}
			if isWSP(p.s[j]) {
				if k < j {
					bare.kids = append(bare.kids, term("ptext", unescapeQ(p.s[k:j])))
				}
				e := j
				for e < len(p.s) && isWSP(p.s[e]) {
					e++
				}
				bare.kids = append(bare.kids, wsTerm(p.s[j:e]))
				j, k = e, e
				continue
			}
			j++
		}
		if j >= len(p.s) {
			return nil, false
		}
		if k < j {
			bare.kids = append(bare.kids, term("ptext", unescapeQ(p.s[k:j])))
		}
		p.i = j + 1
		return list("quoted-string", appendNonNil(nil, lead, bare, p.cfws())...), true
	}
	a := p.atext()
	if a == "" {
		if lead != nil {
			p.i -= len(lead.String())
		}
		return nil, false
	}
	return list("atom", appendNonNil(nil, lead, term("atext", a), p.cfws())...), true
}

func unescapeQ(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// dotAtom parses a dot-atom (local part or domain) with leading blanks.
func (p *treeParser) dotAtom() (*tok, bool) {
	lead := p.cfws()
	text := list("dot-atom-text")
	text.ew = ewYes
	for {
		a := p.atext()
		if a == "" {
			return nil, false
		}
		text.kids = append(text.kids, term("atext", a))
		if p.i < len(p.s) && p.s[p.i] == '.' {
			text.kids = append(text.kids, term("dot", "."))
			p.i++
			continue
		}
		break
	}
	return list("dot-atom", appendNonNil(nil, lead, text, p.cfws())...), true
}

func (p *treeParser) addrSpec() (*tok, bool) {
	local, ok := p.dotAtom()
	if !ok || p.i >= len(p.s) || p.s[p.i] != '@' {
		return nil, false
	}
	p.i++
	dom, ok := p.dotAtom()
	if !ok {
		return nil, false
	}
	lp := list("local-part", local)
	lp.ew = ewNo
	d := list("domain", dom)
	d.ew = ewNo
	as := list("addr-spec", lp, term("address-at-symbol", "@"), d)
	as.ew = ewNo
	return as, true
}

func (p *treeParser) mailbox() (*tok, bool) {
	start := p.i
	if as, ok := p.addrSpec(); ok && (p.i == len(p.s) || p.s[p.i] == ',') {
		return list("mailbox", as), true
	}
	p.i = start
	dn := list("display-name")
	dn.noCombine = true
	for {
		w, ok := p.word()
		if !ok {
			break
		}
		dn.kids = append(dn.kids, w)
		if p.i < len(p.s) && p.s[p.i] == '.' {
			dn.kids = append(dn.kids, term("dot", "."))
			p.i++
		}
	}
	lead := p.cfws()
	if p.i >= len(p.s) || p.s[p.i] != '<' {
		return nil, false
	}
	p.i++
	as, ok := p.addrSpec()
	if !ok || p.i >= len(p.s) || p.s[p.i] != '>' {
		return nil, false
	}
	p.i++
	angle := list("angle-addr", appendNonNil(nil, lead, term("angle-addr-start", "<"), as, term("angle-addr-end", ">"), p.cfws())...)
	kids := []*tok{}
	if len(dn.kids) > 0 {
		kids = append(kids, dn)
	}
	kids = append(kids, angle)
	return list("mailbox", list("name-addr", kids...)), true
}

// addressListTree parses an address list; ok is false for forms it does
// not model (groups, comments, route addresses), which are then folded as
// unstructured text.
func addressListTree(v string) (*tok, bool) {
	p := &treeParser{s: v}
	root := list("address-list")
	for p.i < len(p.s) {
		mb, ok := p.mailbox()
		if !ok {
			return nil, false
		}
		root.kids = append(root.kids, list("address", mb))
		if p.i < len(p.s) {
			if p.s[p.i] != ',' {
				return nil, false
			}
			sep := term("list-separator", ",")
			sep.noBreak = true
			sep.ew = ewNo
			root.kids = append(root.kids, sep)
			p.i++
		}
	}
	return root, true
}

// addressHeaders are the header fields Python's header registry parses
// as address lists.
var addressHeaders = map[string]bool{
	"from": true, "to": true, "cc": true, "bcc": true, "sender": true, "reply-to": true,
	"resent-from": true, "resent-to": true, "resent-cc": true, "resent-bcc": true, "resent-sender": true,
}

// FoldHeader folds one header field as Python's default policy does
// (policy.fold(name, value)): the result ends with "\n".
func FoldHeader(name, value string) string {
	return foldHeaderLen(name, value, maxLineLength)
}

func foldHeaderLen(name, value string, maxlen int) string {
	label := list("header-label", term("header-name", name), term("header-sep", ":"))
	label.ew = ewNo
	root := list("header", label)
	var tree *tok
	lname := strings.ToLower(name)
	switch {
	case addressHeaders[lname]:
		if t, ok := addressListTree(value); ok {
			tree = t
		} else {
			tree = unstructuredTree(value)
		}
	case lname == "content-type" || lname == "content-disposition":
		tree = paramTree(lname, value)
	case lname == "message-id" || lname == "mime-version" || lname == "content-transfer-encoding":
		tree = term(lname, value)
		tree.ew = ewNo
		if value == "" {
			tree = nil
		}
	default:
		tree = unstructuredTree(value)
	}
	if tree != nil && (tree.terminal || len(tree.kids) > 0) {
		root.kids = append(root.kids, list("cfws", wsTerm(" ")), tree)
	}
	return refold(root, maxlen)
}

// paramTree is a Content-Type or Content-Disposition value: the type, a
// semicolon and the parameters.
func paramTree(kind, v string) *tok {
	head, rest, found := strings.Cut(v, ";")
	t := list(kind, term("token", head))
	t.ew = ewNo
	t.noBreak = true
	if found {
		mp := list("mime-parameters", term("value", rest))
		mp.noBreak = true
		mp.params = ParseParams(head + ";" + rest)
		if len(mp.params) > 0 {
			mp.params = mp.params[1:]
		}
		t.kids = append(t.kids, term("parameter-separator", ";"), mp)
	}
	return t
}
