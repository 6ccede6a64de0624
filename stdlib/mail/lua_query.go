package mail

import (
	"fmt"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

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

// queryFromTable reads a search table.
func queryFromTable(t *lua.LTable) (*Query, error) {
	var err error
	t.ForEach(func(k, _ lua.LValue) {
		if ks, ok := k.(lua.LString); (!ok || searchKeyIndex[string(ks)] == nil) && err == nil {
			err = fmt.Errorf("mail: search: unknown key %s (known: %s)", luaRepr(k), strings.Join(searchKeyNames(), ", "))
		}
	})
	if err != nil {
		return nil, err
	}
	q := &Query{}
	for _, k := range searchKeys {
		v := t.RawGetString(k.name)
		if v == lua.LNil {
			continue
		}
		if err := k.parse(q, k.name, v); err != nil {
			return nil, err
		}
	}
	return q, nil
}

// searchKeyNames lists the names of searchKeys in order.
func searchKeyNames() []string {
	names := make([]string, len(searchKeys))
	for i, k := range searchKeys {
		names[i] = k.name
	}
	return names
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
	for _, k := range searchKeys {
		if val := t.RawGetString(k.name); val != lua.LNil {
			var one Query
			if err := k.parse(&one, k.name, val); err != nil {
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
