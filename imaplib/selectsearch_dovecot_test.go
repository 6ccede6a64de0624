package imaplib_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/internal/testkit/dovecottest"
	"github.com/mailscript/mailscript/internal/testkit/faultproxy"
)

// TestSelectUIDSearch: SelectUIDSearch answers as SelectMailbox followed
// by UIDSearch do, in one round trip (turns counted by a proxy, on
// Dovecot), and a SELECT the server refuses is that refusal, with the
// connection usable and no mailbox selected.
func TestSelectUIDSearch(t *testing.T) {
	srv := dovecottest.Start(t)
	srv.Seed(t, srv.User, "INBOX", seedMessages(5))
	srv.Seed(t, srv.User, "Other", seedMessages(2))
	proxy, err := faultproxy.New(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	host, port := splitAddr(t, proxy.Addr())
	m, err := imaplib.Dial(host, port, &imaplib.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if _, _, err := m.Login(srv.User, srv.Password); err != nil {
		t.Fatal(err)
	}
	ref := dialDovecot(t, srv, srv.User, srv.Password)
	for _, tc := range []struct {
		name     string
		mailbox  string
		readOnly bool
		criteria []any
	}{
		{"all", "INBOX", false, []any{"ALL"}},
		{"unseen, read-only", "INBOX", true, []any{"UNSEEN"}},
		{"another mailbox", "Other", false, []any{"ALL"}},
		{"none found", "INBOX", false, []any{"SUBJECT", "no such subject"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantInfo, err := ref.SelectMailbox(tc.mailbox, tc.readOnly)
			if err != nil {
				t.Fatal(err)
			}
			want, err := ref.UIDSearch(tc.criteria...)
			if err != nil {
				t.Fatal(err)
			}
			turns := proxy.Stats().Turns
			info, got, err := m.SelectUIDSearch(tc.mailbox, imaplib.SelectOptions{ReadOnly: tc.readOnly}, tc.criteria...)
			if err != nil {
				t.Fatal(err)
			}
			if n := proxy.Stats().Turns - turns; n != 1 {
				t.Errorf("%d round trips, want 1", n)
			}
			if !slices.Equal(uids(t, got), uids(t, want)) {
				t.Errorf("found %v, want %v", got, want)
			}
			if info.Exists != wantInfo.Exists || info.UIDValidity != wantInfo.UIDValidity || info.UIDNext != wantInfo.UIDNext || info.ReadOnly != tc.readOnly {
				t.Errorf("info %+v, want %+v", info, wantInfo)
			}
			if m.State() != "SELECTED" {
				t.Errorf("state %s after the select", m.State())
			}
		})
	}
	t.Run("refused", func(t *testing.T) {
		info, _, err := m.SelectUIDSearch("Missing", imaplib.SelectOptions{}, "ALL")
		var re *imaplib.ResponseError
		if info != nil || !errors.As(err, &re) || re.Command != "SELECT" {
			t.Fatalf("info %v, error %v: want the SELECT's refusal", info, err)
		}
		if m.State() != "AUTH" {
			t.Errorf("state %s after a refused select, want AUTH", m.State())
		}
		if _, _, err := m.Noop(); err != nil {
			t.Fatalf("the connection after the refusal: %v", err)
		}
		// What follows is answered as before: nothing of the dropped
		// search is left over.
		_, got, err := m.SelectUIDSearch("Other", imaplib.SelectOptions{}, "ALL")
		if err != nil || got.Len() != 2 {
			t.Fatalf("after the refusal: %v, %v", got, err)
		}
	})
}
