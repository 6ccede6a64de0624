package mail

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/stdlib/email"
)

// ---- queries

func stringList(v lua.LValue, what string) ([]string, error) {
	switch t := v.(type) {
	case lua.LString:
		return []string{string(t)}, nil
	case *lua.LTable:
		var out []string
		for i := 1; i <= t.Len(); i++ {
			s, ok := t.RawGetInt(i).(lua.LString)
			if !ok {
				return nil, fmt.Errorf("mail: %s must be a string or a list of strings", what)
			}
			out = append(out, string(s))
		}
		return out, nil
	}
	return nil, fmt.Errorf("mail: %s must be a string or a list of strings, not %s", what, v.Type())
}

func dateValue(v lua.LValue, what string) (time.Time, error) {
	switch t := v.(type) {
	case lua.LNumber:
		sec := float64(t)
		return time.Unix(int64(sec), int64((sec-float64(int64(sec)))*1e9)), nil
	case lua.LString:
		if d, err := ParseDate(string(t)); err == nil {
			return d, nil
		}
		if d, _, _, err := email.ParseDate(string(t)); err == nil {
			return d, nil
		}
		return time.Time{}, fmt.Errorf("mail: %s: bad date %q (epoch seconds, YYYY-MM-DD, DD-Mon-YYYY or an RFC 5322 date)", what, string(t))
	}
	return time.Time{}, fmt.Errorf("mail: %s must be a date (epoch seconds or a string), not %s", what, v.Type())
}

func boolPtr(b bool) *bool { return &b }

// queryKeys lists the keys of mbox:search{...} in a fixed order, so the
// SEARCH sent does not depend on Lua's table order.
var queryKeys = []string{"from", "to", "cc", "bcc", "subject", "body", "text", "header",
	"seen", "unseen", "flagged", "unflagged", "answered", "unanswered", "deleted", "undeleted",
	"draft", "undraft", "recent", "keyword", "unkeyword", "larger", "smaller",
	"since", "before", "on", "sent_since", "sent_before", "sent_on", "older", "newer", "uid",
	"any", "no"}

var queryKeySet = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range queryKeys {
		m[k] = true
	}
	return m
}()

// queryFromTable reads a search table.
func queryFromTable(t *lua.LTable) (*Query, error) {
	var err error
	t.ForEach(func(k, _ lua.LValue) {
		if ks, ok := k.(lua.LString); (!ok || !queryKeySet[string(ks)]) && err == nil {
			err = fmt.Errorf("mail: search: unknown key %s (known: %s)", luaRepr(k), strings.Join(queryKeys, ", "))
		}
	})
	if err != nil {
		return nil, err
	}
	q := &Query{}
	for _, key := range queryKeys {
		v := t.RawGetString(key)
		if v == lua.LNil {
			continue
		}
		if err := setQueryKey(q, key, v); err != nil {
			return nil, err
		}
	}
	return q, nil
}

func setQueryKey(q *Query, key string, v lua.LValue) error {
	var err error
	text := func(dst *[]string) {
		var l []string
		l, err = stringList(v, key)
		*dst = append(*dst, l...)
	}
	flag := func(dst **bool, positive bool) {
		b, ok := v.(lua.LBool)
		if !ok {
			err = fmt.Errorf("mail: search: %s must be true or false", key)
			return
		}
		*dst = boolPtr(bool(b) == positive)
	}
	size := func(dst *int64) {
		switch t := v.(type) {
		case lua.LNumber:
			if t < 0 {
				err = fmt.Errorf("mail: search: %s must not be negative", key)
			}
			*dst = int64(t)
		case lua.LString:
			*dst, err = ParseSize(string(t))
		default:
			err = fmt.Errorf("mail: search: %s must be a size such as 2M or a number of bytes", key)
		}
	}
	date := func(dst *time.Time) { *dst, err = dateValue(v, "search: "+key) }
	age := func(dst *time.Duration) {
		switch t := v.(type) {
		case lua.LNumber:
			*dst, err = ParseAge(strconv.FormatFloat(float64(t), 'f', -1, 64))
		case lua.LString:
			*dst, err = ParseAge(string(t))
		default:
			err = fmt.Errorf("mail: search: %s must be an age such as \"30d\" or a number of days", key)
		}
	}
	switch key {
	case "from":
		text(&q.From)
	case "to":
		text(&q.To)
	case "cc":
		text(&q.Cc)
	case "bcc":
		text(&q.Bcc)
	case "subject":
		text(&q.Subject)
	case "body":
		text(&q.Body)
	case "text":
		text(&q.Text)
	case "header":
		ht, ok := v.(*lua.LTable)
		if !ok {
			return fmt.Errorf("mail: search: header must be a table {[\"Name\"] = \"value\"}")
		}
		var names []string
		ht.ForEach(func(k, _ lua.LValue) { names = append(names, k.String()) })
		sort.Strings(names)
		for _, n := range names {
			if !validFieldName(n) {
				return fmt.Errorf("mail: search: bad header name %q", n)
			}
			vals, err := stringList(ht.RawGetString(n), "header "+n)
			if err != nil {
				return err
			}
			for _, val := range vals {
				q.Header = append(q.Header, HeaderTest{n, val})
			}
		}
	case "seen":
		flag(&q.Seen, true)
	case "unseen":
		flag(&q.Seen, false)
	case "flagged":
		flag(&q.Flagged, true)
	case "unflagged":
		flag(&q.Flagged, false)
	case "answered":
		flag(&q.Answered, true)
	case "unanswered":
		flag(&q.Answered, false)
	case "deleted":
		flag(&q.Deleted, true)
	case "undeleted":
		flag(&q.Deleted, false)
	case "draft":
		flag(&q.Draft, true)
	case "undraft":
		flag(&q.Draft, false)
	case "recent":
		flag(&q.Recent, true)
	case "keyword", "unkeyword":
		var l []string
		if l, err = stringList(v, key); err == nil {
			for _, k := range l {
				if !isAtom(k) {
					return fmt.Errorf("mail: search: %s %q is not a valid keyword", key, k)
				}
			}
			if key == "keyword" {
				q.Keyword = append(q.Keyword, l...)
			} else {
				q.Unkeyword = append(q.Unkeyword, l...)
			}
		}
	case "larger":
		size(&q.Larger)
	case "smaller":
		size(&q.Smaller)
	case "since":
		date(&q.Since)
	case "before":
		date(&q.Before)
	case "on":
		date(&q.On)
	case "sent_since":
		date(&q.SentSince)
	case "sent_before":
		date(&q.SentBefore)
	case "sent_on":
		date(&q.SentOn)
	case "older":
		age(&q.Older)
	case "newer":
		age(&q.Newer)
	case "uid":
		var s imaplib.SeqSet
		switch t := v.(type) {
		case lua.LNumber:
			s = imaplib.SeqSetOf(uint32(t))
		case lua.LString:
			s, err = imaplib.ParseSeqSet(string(t))
		case *lua.LTable:
			for i := 1; i <= t.Len(); i++ {
				n, ok := t.RawGetInt(i).(lua.LNumber)
				if !ok {
					return fmt.Errorf("mail: search: uid must be a number, a string such as \"1:100\" or a list of numbers")
				}
				s.Add(uint32(n))
			}
		default:
			err = fmt.Errorf("mail: search: uid must be a number, a string such as \"1:100\" or a list of numbers")
		}
		if err == nil {
			q.UID = &s
		}
	case "any", "no":
		subs, e := subQueries(v, key)
		if e != nil {
			return e
		}
		if key == "any" {
			q.Any = append(q.Any, subs...)
		} else {
			q.No = append(q.No, subs...)
		}
	}
	return err
}

// subQueries reads the value of any or no: a list of search tables, or
// one table whose keys are taken one by one ({from = "a", subject = "b"}
// means the alternatives "from a" and "subject b").
func subQueries(v lua.LValue, key string) ([]Query, error) {
	t, ok := v.(*lua.LTable)
	if !ok {
		return nil, fmt.Errorf("mail: search: %s must be a table", key)
	}
	var out []Query
	if t.Len() > 0 {
		for i := 1; i <= t.Len(); i++ {
			st, ok := t.RawGetInt(i).(*lua.LTable)
			if !ok {
				return nil, fmt.Errorf("mail: search: %s[%d] must be a search table", key, i)
			}
			q, err := queryFromTable(st)
			if err != nil {
				return nil, err
			}
			out = append(out, *q)
		}
		return out, nil
	}
	q, err := queryFromTable(t) // checks the keys
	if err != nil {
		return nil, err
	}
	_ = q
	for _, k := range queryKeys {
		if val := t.RawGetString(k); val != lua.LNil {
			var one Query
			if err := setQueryKey(&one, k, val); err != nil {
				return nil, err
			}
			out = append(out, one)
		}
	}
	return out, nil
}

func isAtom(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`(){%*"\]`, c) >= 0 {
			return false
		}
	}
	return true
}
