package email

import (
	"strings"
)

// Parse parses a message the way Python's email.message_from_bytes does
// with the compat32 policy. It never fails: what cannot be understood is
// kept as text and noted in the Defects of the part concerned.
func Parse(data []byte) *Message {
	return ParseString(string(data))
}

// ParseString is Parse on a string.
func ParseString(s string) *Message {
	p := &parser{in: lineReader{lines: splitLines(s)}}
	p.parse()
	return p.root
}

// HeaderFields returns the header fields of a message, or of a header
// block as a FETCH of header fields returns it, as Parse(data).Fields holds
// them, without parsing the rest: scans that test a field of every message
// of a mailbox call it for each.
func HeaderFields(data []byte) []Field {
	s := string(data)
	var lines []string
	for len(s) > 0 {
		line := firstLine(s)
		if !isHeaderLine(line) {
			break
		}
		lines = append(lines, line)
		s = s[len(line):]
	}
	p := &parser{cur: &Message{}}
	p.parseHeaders(lines)
	return p.cur.Fields
}

// splitLines splits s after each \r\n, \r or \n, keeping the line ends;
// the last line may have none.
func splitLines(s string) []string {
	var lines []string
	for len(s) > 0 {
		line := firstLine(s)
		lines = append(lines, line)
		s = s[len(line):]
	}
	return lines
}

// firstLine returns s up to and with its first \r\n, \r or \n; all of s
// when it has none.
func firstLine(s string) string {
	i := strings.IndexAny(s, "\r\n")
	if i < 0 {
		return s
	}
	end := i + 1
	if s[i] == '\r' && end < len(s) && s[end] == '\n' {
		end++
	}
	return s[:end]
}

// lineReader hands out lines and pretends to be at the end whenever the
// next line matches one of the stacked end conditions (the boundaries of
// the enclosing multiparts), like Python's BufferedSubFile.
type lineReader struct {
	lines  []string
	pos    int
	pushed []string // lines given back, the last one is read first
	eofs   []func(string) bool
}

// readLine returns the next line, or "" at the (virtual) end.
func (r *lineReader) readLine() string {
	var line string
	if n := len(r.pushed); n > 0 {
		line = r.pushed[n-1]
	} else if r.pos < len(r.lines) {
		line = r.lines[r.pos]
	} else {
		return ""
	}
	for i := len(r.eofs) - 1; i >= 0; i-- {
		if r.eofs[i](line) {
			return ""
		}
	}
	if n := len(r.pushed); n > 0 {
		r.pushed = r.pushed[:n-1]
	} else {
		r.pos++
	}
	return line
}

// unread gives line back, to be read next.
func (r *lineReader) unread(line string) {
	if line != "" {
		r.pushed = append(r.pushed, line)
	}
}

func (r *lineReader) push(f func(string) bool) { r.eofs = append(r.eofs, f) }

func (r *lineReader) pop() { r.eofs = r.eofs[:len(r.eofs)-1] }

// rest reads the lines up to the virtual end and joins them.
func (r *lineReader) rest() string {
	var b strings.Builder
	for {
		line := r.readLine()
		if line == "" {
			return b.String()
		}
		b.WriteString(line)
	}
}

type parser struct {
	in    lineReader
	root  *Message
	stack []*Message
	cur   *Message
	last  *Message
}

func (p *parser) parse() {
	p.parseGen()
	if p.root == nil {
		p.root = newMessage()
	}
	// Like Python's FeedParser.close: a multipart root whose payload
	// stayed text is flagged.
	if p.root.MainType() == "multipart" && !p.root.Multipart {
		p.root.Defects = append(p.root.Defects, "MultipartInvariantViolationDefect")
	}
}

func (p *parser) newMessage() {
	m := newMessage()
	if p.cur != nil && p.cur.ContentType() == "multipart/digest" {
		m.DefaultType = "message/rfc822"
	}
	if len(p.stack) > 0 {
		parent := p.stack[len(p.stack)-1]
		parent.Multipart = true
		parent.Parts = append(parent.Parts, m)
	} else {
		p.root = m
	}
	p.stack = append(p.stack, m)
	p.cur = m
	p.last = m
}

func (p *parser) popMessage() *Message {
	m := p.stack[len(p.stack)-1]
	p.stack = p.stack[:len(p.stack)-1]
	if len(p.stack) > 0 {
		p.cur = p.stack[len(p.stack)-1]
	} else {
		p.cur = nil
	}
	return m
}

// isHeaderLine mirrors the header line pattern of Python's feedparser: an
// envelope "From ", a (possibly empty) field name and a colon, or a
// continuation starting with a blank.
func isHeaderLine(line string) bool {
	if strings.HasPrefix(line, "From ") {
		return true
	}
	if line != "" && (line[0] == ' ' || line[0] == '\t') {
		return true
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c == ':' {
			return true
		}
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	return false
}

func isLineEnd(line string) bool {
	return line == "\n" || line == "\r" || strings.HasPrefix(line, "\r\n") || strings.HasPrefix(line, "\n") || strings.HasPrefix(line, "\r")
}

// trimEOL removes one trailing line end.
func trimEOL(s string) string {
	switch {
	case strings.HasSuffix(s, "\r\n"):
		return s[:len(s)-2]
	case strings.HasSuffix(s, "\n"), strings.HasSuffix(s, "\r"):
		return s[:len(s)-1]
	}
	return s
}

func (p *parser) parseGen() {
	p.newMessage()
	var headers []string
	for {
		line := p.in.readLine()
		if line == "" {
			break
		}
		if !isHeaderLine(line) {
			if !isLineEnd(line) {
				p.cur.Defects = append(p.cur.Defects, "MissingHeaderBodySeparatorDefect")
				p.in.unread(line)
			}
			break
		}
		headers = append(headers, line)
	}
	p.parseHeaders(headers)

	cur := p.cur
	ctype := cur.ContentType()
	if ctype == "message/delivery-status" {
		for {
			p.in.push(isLineEnd)
			p.parseGen()
			p.popMessage()
			p.in.pop()
			p.in.readLine()
			line := p.in.readLine()
			if line == "" {
				break
			}
			p.in.unread(line)
		}
		return
	}
	if cur.MainType() == "message" {
		p.parseGen()
		p.popMessage()
		return
	}
	if cur.MainType() == "multipart" {
		p.parseMultipart(cur)
		return
	}
	cur.Body = p.in.rest()
}

// parseMultipart parses the body of the multipart cur: preamble, parts,
// epilogue, and the defects of a missing or broken boundary.
//
// It is a port of the multipart branch of CPython's
// email.feedparser.FeedParser._parsegen and keeps its shape, so that the
// two can be compared side by side.
//
//mailscript:port
func (p *parser) parseMultipart(cur *Message) {
	boundary, ok := cur.Boundary()
	if !ok {
		cur.Defects = append(cur.Defects, "NoBoundaryInMultipartDefect")
		cur.Body = p.in.rest()
		return
	}
	cte := "8bit"
	if v, ok := cur.Get("content-transfer-encoding"); ok {
		cte = strings.ToLower(v)
	}
	if cte != "7bit" && cte != "8bit" && cte != "binary" {
		cur.Defects = append(cur.Defects, "InvalidMultipartContentTransferEncodingDefect")
	}
	sep := "--" + boundary
	match := func(line string) (isBoundary, isEnd bool, linesep string) {
		if !strings.HasPrefix(line, sep) {
			return false, false, ""
		}
		rest := line[len(sep):]
		end := strings.HasPrefix(rest, "--")
		if end {
			rest = rest[2:]
		}
		rest = strings.TrimLeft(rest, " \t")
		switch rest {
		case "", "\r\n", "\r", "\n":
			return true, end, rest
		}
		return false, false, ""
	}
	isBoundary := func(line string) bool {
		ok, _, _ := match(line)
		return ok
	}

	capturingPreamble := true
	var preamble []string
	closeSeen := false
	linesep := ""
	for {
		line := p.in.readLine()
		if line == "" {
			break
		}
		ok, end, ls := match(line)
		if !ok {
			preamble = append(preamble, line)
			continue
		}
		if end {
			closeSeen = true
			linesep = ls
			break
		}
		if capturingPreamble {
			if len(preamble) > 0 {
				preamble[len(preamble)-1] = trimEOL(preamble[len(preamble)-1])
				s := strings.Join(preamble, "")
				cur.Preamble = &s
			}
			capturingPreamble = false
			p.in.unread(line)
			continue
		}
		// A boundary: skip repeated boundary lines, then parse the part.
		for {
			line := p.in.readLine()
			if ok, _, _ := match(line); !ok {
				p.in.unread(line)
				break
			}
		}
		p.in.push(isBoundary)
		p.parseGen()
		p.popMessage()
		// The line end before a boundary belongs to the boundary.
		if p.last.MainType() == "multipart" {
			if ep := p.last.Epilogue; ep != nil {
				if *ep == "" {
					p.last.Epilogue = nil
				} else {
					s := trimEOL(*ep)
					p.last.Epilogue = &s
				}
			}
		} else if !p.last.Multipart {
			p.last.Body = trimEOL(p.last.Body)
		}
		p.in.pop()
		p.last = p.cur
	}
	if capturingPreamble {
		cur.Defects = append(cur.Defects, "StartBoundaryNotFoundDefect")
		cur.Body = strings.Join(preamble, "")
		// Python reads the remaining lines as the epilogue here, but at
		// this point the reader is at its (virtual) end already.
		ep := p.in.rest()
		cur.Epilogue = &ep
		return
	}
	if !closeSeen {
		cur.Defects = append(cur.Defects, "CloseBoundaryNotFoundDefect")
		return
	}
	// Everything after the close boundary is the epilogue. When the close
	// boundary line had no line end, a line end opening the epilogue
	// belongs to it.
	ep := p.in.rest()
	if linesep == "" {
		switch {
		case strings.HasPrefix(ep, "\r\n"):
			ep = ep[2:]
		case strings.HasPrefix(ep, "\n"), strings.HasPrefix(ep, "\r"):
			ep = ep[1:]
		}
	}
	cur.Epilogue = &ep
}

func (p *parser) parseHeaders(lines []string) {
	cur := p.cur
	lastName := ""
	var lastValue []string
	flush := func() {
		if lastName != "" {
			cur.Fields = append(cur.Fields, sourceParse(lastValue))
			lastName, lastValue = "", nil
		}
	}
	for i, line := range lines {
		if line[0] == ' ' || line[0] == '\t' {
			if lastName == "" {
				cur.Defects = append(cur.Defects, "FirstHeaderLineIsContinuationDefect")
				continue
			}
			lastValue = append(lastValue, line)
			continue
		}
		flush()
		if strings.HasPrefix(line, "From ") {
			if i == 0 {
				cur.UnixFrom = trimEOL(line)
				continue
			}
			if i == len(lines)-1 {
				p.in.unread(line)
				return
			}
			cur.Defects = append(cur.Defects, "MisplacedEnvelopeHeaderDefect")
			continue
		}
		c := strings.IndexByte(line, ':')
		if c == 0 {
			cur.Defects = append(cur.Defects, "InvalidHeaderDefect")
			continue
		}
		if c < 0 {
			continue // cannot happen: isHeaderLine accepted it
		}
		lastName = line[:c]
		lastValue = []string{line}
	}
	flush()
}

// sourceParse turns the lines of one field into a Field as compat32 does.
func sourceParse(lines []string) Field {
	name, value, _ := strings.Cut(lines[0], ":")
	value = strings.TrimLeft(value, " \t") + strings.Join(lines[1:], "")
	value = strings.TrimRight(value, "\r\n")
	return Field{name, value}
}
