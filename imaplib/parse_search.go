package imaplib

import (
	"errors"
	"strings"

	"github.com/mailscript/mailscript/imaplib/internal/wire"
)

// ParseSearch parses the data list of a SEARCH (or UID SEARCH) command: the
// numbers of all SEARCH responses, in order. With CONDSTORE a response ends
// in "(MODSEQ n)"; modSeq is the highest such n, 0 when there is none.
// None items and empty responses give no numbers. On malformed responses
// ParseSearch returns the numbers of the others together with an error (a
// *ParseError per bad response, joined).
func ParseSearch(data []Item) (nums []uint32, modSeq uint64, err error) {
	p := newParser()
	err = eachResponse("SEARCH", data, func(r *wire.Response) error {
		p.Reset(r)
		start := len(nums)
		for p.Err() == nil && !p.AtEnd() {
			if c, _ := p.PeekByte(); c == '(' {
				p.Open()
				if name := p.Atom(); p.Err() == nil && !strings.EqualFold(name, "MODSEQ") {
					p.Fail("expected MODSEQ")
				}
				p.SP()
				if m := p.Number64(); m > modSeq {
					modSeq = m
				}
				p.Close()
				p.ExpectEnd()
				break
			}
			nums = append(nums, p.NZNumber())
			if !p.AtEnd() {
				p.SP()
			}
		}
		if p.Err() != nil {
			nums = nums[:start]
		}
		return p.Err()
	})
	return nums, modSeq, err
}

// ESearchData is one ESEARCH response (RFC 4731):
// `(TAG "A1") UID MIN 1 MAX 9 COUNT 3 ALL 1,4,9`. Optional items are
// pointers, nil when the response did not hold them.
type ESearchData struct {
	// Tag is the tag of the command the response answers ("" when absent).
	Tag string
	// UID is true when the numbers are UIDs.
	UID bool
	// Min, Max and Count are the MIN, MAX and COUNT results.
	Min, Max, Count *uint32
	// All is the ALL result as the server wrote it, a sequence set such
	// as "1:3,7" ("" when absent).
	All string
	// ModSeq is the CONDSTORE MODSEQ result.
	ModSeq *uint64
	// Other holds other return data (such as PARTIAL), by upper-cased
	// name, as plain values (see FetchData.Other); nil when there is none.
	Other map[string]any
}

// errSeveralESearch is returned by ParseESearch for more than one response.
var errSeveralESearch = errors.New("imaplib: several ESEARCH responses; use ParseESearchAll")

// ParseESearch parses the data list of a SEARCH RETURN (...) command, which
// holds one ESEARCH response. It returns nil and no error for a data list
// without a response (None), and an error when there are several (see
// ParseESearchAll).
func ParseESearch(data []Item) (*ESearchData, error) {
	all, err := ParseESearchAll(data)
	if err != nil {
		return nil, err
	}
	switch len(all) {
	case 0:
		return nil, nil
	case 1:
		return all[0], nil
	}
	return nil, errSeveralESearch
}

// ParseESearchAll parses every ESEARCH response of a data list. When some
// responses are malformed, it returns the others together with an error (a
// *ParseError per bad response, joined).
func ParseESearchAll(data []Item) ([]*ESearchData, error) {
	var out []*ESearchData
	p := newParser()
	err := eachResponse("ESEARCH", data, func(r *wire.Response) error {
		p.Reset(r)
		d := &ESearchData{}
		if c, _ := p.PeekByte(); c == '(' {
			p.Open()
			if name := p.Atom(); p.Err() == nil && !strings.EqualFold(name, "TAG") {
				p.Fail("expected TAG")
			}
			p.SP()
			d.Tag = string(p.String())
			p.Close()
			if !p.AtEnd() {
				p.SP()
			}
		}
		if b := p.PeekBytes(4); len(b) >= 3 && strings.EqualFold(string(b[:3]), "UID") &&
			(len(b) == 3 || b[3] == ' ') {
			p.Atom()
			d.UID = true
			if !p.AtEnd() {
				p.SP()
			}
		}
		for p.Err() == nil && !p.AtEnd() {
			esearchItem(p, d)
			if !p.AtEnd() {
				p.SP()
			}
		}
		if p.Err() != nil {
			return p.Err()
		}
		out = append(out, d)
		return nil
	})
	return out, err
}

func esearchItem(p *wire.Parser, d *ESearchData) {
	name := strings.ToUpper(p.Atom())
	p.SP()
	u32 := func(dst **uint32, nz bool) {
		var n uint32
		if nz {
			n = p.NZNumber()
		} else {
			n = p.Number()
		}
		*dst = &n
	}
	switch name {
	case "MIN":
		u32(&d.Min, true)
	case "MAX":
		u32(&d.Max, true)
	case "COUNT":
		u32(&d.Count, false)
	case "ALL":
		d.All = p.SequenceSet()
	case "MODSEQ":
		n := p.Number64()
		d.ModSeq = &n
	default:
		v := p.Value()
		if p.Err() != nil {
			return
		}
		if d.Other == nil {
			d.Other = make(map[string]any)
		}
		d.Other[name] = v.Any()
	}
}
