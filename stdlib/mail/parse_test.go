package mail_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/stdlib/mail"
)

func TestParseURL(t *testing.T) {
	cases := []struct {
		in      string
		want    string // fmt of selected fields
		wantErr string
	}{
		{"imaps://alice@imap.example.org", "imap.example.org 0 implicit alice  false", ""},
		{"imap://a%40b:p%2Fw@127.0.0.1:1143?tls=none&create=true", "127.0.0.1 1143 none a@b p/w true", ""},
		{"imap://alice@h?password_cmd=pass+show+x", "h 0 starttls alice  false", ""},
		{"http://alice@h", "", "scheme must be imaps or imap"},
		{"imaps://h", "", "user is required"},
		{"imaps://alice@h?frob=1", "", `unknown parameter "frob"`},
		{"imaps://alice@h?tls=maybe", "", `tls must be`},
		{"imaps://alice:secret@h:99999", "", "bad port"},
		{"imaps://alice:secret@h?frob=1", "", "xxxxx"}, // the password is not shown
	}
	for _, tc := range cases {
		c, err := mail.ParseURL(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "secret") {
				t.Errorf("ParseURL(%q) error %v, want one containing %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		got := fmt.Sprintf("%s %d %s %s %s %v", c.Host, c.Port, c.TLS, c.User, c.Password, c.Create)
		if err != nil || got != tc.want {
			t.Errorf("ParseURL(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestParseSizeAge(t *testing.T) {
	sizes := map[string]int64{"2M": 2 << 20, "500k": 500 << 10, "1.5K": 1536, "100": 100, "1GB": 1 << 30}
	for in, want := range sizes {
		if got, err := mail.ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	ages := map[string]time.Duration{"30d": 30 * 24 * time.Hour, "12h": 12 * time.Hour, "2w": 14 * 24 * time.Hour, "7": 7 * 24 * time.Hour, "90m": 90 * time.Minute}
	for in, want := range ages {
		if got, err := mail.ParseAge(in); err != nil || got != want {
			t.Errorf("ParseAge(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "2X", "-1", "M"} {
		if _, err := mail.ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
	for _, bad := range []string{"", "30y", "-3d", "d"} {
		if _, err := mail.ParseAge(bad); err == nil {
			t.Errorf("ParseAge(%q) accepted", bad)
		}
	}
}

func TestQueryCriteria(t *testing.T) {
	yes, no := true, false
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	uids := imaplib.SeqSetOf(1, 2, 3, 9)
	cases := []struct {
		q      mail.Query
		within bool
		want   string
	}{
		{mail.Query{}, true, "[ALL]"},
		{mail.Query{From: []string{"a@b"}, Seen: &no, Flagged: &yes}, true, "[FROM a@b UNSEEN FLAGGED]"},
		{mail.Query{Header: []mail.HeaderTest{{"List-Id", "x"}}, Larger: 2048}, true, "[HEADER List-Id x LARGER 2048]"},
		{mail.Query{Older: 30 * 24 * time.Hour}, true, "[OLDER 2592000]"},
		{mail.Query{Older: 30 * 24 * time.Hour}, false, "[BEFORE 2025-02-08 12:00:00 +0000 UTC]"},
		{mail.Query{UID: &uids}, true, "[UID 1:3,9]"},
		{mail.Query{Any: []mail.Query{{From: []string{"a"}}, {Subject: []string{"b"}, Seen: &yes}, {To: []string{"c"}}}}, true,
			"[OR FROM a OR ( SUBJECT b SEEN ) TO c]"},
		{mail.Query{No: []mail.Query{{From: []string{"a"}}, {Subject: []string{"b"}, Seen: &yes}}}, true,
			"[NOT FROM a NOT ( SUBJECT b SEEN )]"},
	}
	for _, tc := range cases {
		got := fmt.Sprint(tc.q.Criteria(now, tc.within))
		if got != tc.want {
			t.Errorf("Criteria(%+v) = %s, want %s", tc.q, got, tc.want)
		}
	}
}

// TestLuaErrors checks the errors a user gets for mistakes, before any
// connection is made.
func TestLuaErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{`mail.account{host = "h", user = "u", pasword = "x"}`, `unknown key "pasword"`},
		{`mail.account{host = "h", user = "u", tls = "sometimes"}`, `tls must be`},
		{`mail.account{host = "h", user = "u", password = "a", password_cmd = "b"}`, `only one of`},
		{`mail.account{host = "h"}`, `user is required`},
		{`mail.account()`, `MAILSCRIPT_ACCOUNT is not set`},
		{`local a = mail.account{host = "h", user = "u", password = "p"}; return a.INBOX`, `has no field or method "INBOX" (a mailbox is acct:mailbox("INBOX"))`},
		{`local a = mail.account{host = "h", user = "u", password = "p"}; a:mailbox("INBOX"):search{form = "x"}`, `unknown key "form"`},
		{`local a = mail.account{host = "h", user = "u", password = "p"}; a:mailbox("INBOX"):search{larger = "2X"}`, `bad size "2X"`},
		{`local a = mail.account{host = "h", user = "u", password_cmd = "echo secret"}; a:mailbox("INBOX"):all()`, `needs --allow-run`},
	}
	for _, tc := range cases {
		e := engine.New(engine.WithEnv(func(string) (string, bool) { return "", false }))
		res, err := e.RunString(context.Background(), "t.lua", `local mail = require("mail")`+"\n"+tc.src)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.src, err, tc.want)
		}
		_ = res
	}
}

func TestLoaderRegistersTypes(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	L.PreloadModule(mail.Name, mail.Loader)
	if err := L.DoString(`local m = require("mail"); assert(m.dry_run == false); assert(type(m.account) == "function")`); err != nil {
		t.Fatal(err)
	}
}
