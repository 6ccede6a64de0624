package smtplib_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/mailscript/mailscript/smtplib"
)

// TestErrorHierarchy checks errors.Is against Python's class tree.
func TestErrorHierarchy(t *testing.T) {
	all := []error{smtplib.ErrOSError, smtplib.ErrSMTPException, smtplib.ErrNotSupported, smtplib.ErrServerDisconnected,
		smtplib.ErrResponseException, smtplib.ErrSenderRefused, smtplib.ErrRecipientsRefused, smtplib.ErrDataError,
		smtplib.ErrConnectError, smtplib.ErrHeloError, smtplib.ErrAuthenticationError, smtplib.ErrValue}
	tests := []struct {
		kind smtplib.Kind
		is   []error
	}{
		{smtplib.KindOS, []error{smtplib.ErrOSError}},
		{smtplib.KindValue, []error{smtplib.ErrValue}},
		{smtplib.KindException, []error{smtplib.ErrOSError, smtplib.ErrSMTPException}},
		{smtplib.KindNotSupported, []error{smtplib.ErrOSError, smtplib.ErrSMTPException, smtplib.ErrNotSupported}},
		{smtplib.KindServerDisconnected, []error{smtplib.ErrOSError, smtplib.ErrSMTPException, smtplib.ErrServerDisconnected}},
		{smtplib.KindResponse, []error{smtplib.ErrOSError, smtplib.ErrSMTPException, smtplib.ErrResponseException}},
		{smtplib.KindRecipientsRefused, []error{smtplib.ErrOSError, smtplib.ErrSMTPException, smtplib.ErrRecipientsRefused}},
		{smtplib.KindSenderRefused, []error{smtplib.ErrOSError, smtplib.ErrSMTPException, smtplib.ErrResponseException, smtplib.ErrSenderRefused}},
		{smtplib.KindData, []error{smtplib.ErrOSError, smtplib.ErrSMTPException, smtplib.ErrResponseException, smtplib.ErrDataError}},
		{smtplib.KindConnect, []error{smtplib.ErrOSError, smtplib.ErrSMTPException, smtplib.ErrResponseException, smtplib.ErrConnectError}},
		{smtplib.KindHelo, []error{smtplib.ErrOSError, smtplib.ErrSMTPException, smtplib.ErrResponseException, smtplib.ErrHeloError}},
		{smtplib.KindAuthentication, []error{smtplib.ErrOSError, smtplib.ErrSMTPException, smtplib.ErrResponseException, smtplib.ErrAuthenticationError}},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			err := fmt.Errorf("wrapped: %w", &smtplib.Error{Kind: tt.kind, Code: 550, Msg: "no"})
			for _, target := range all {
				want := false
				for _, w := range tt.is {
					want = want || w == target
				}
				if got := errors.Is(err, target); got != want {
					t.Errorf("errors.Is(%s, %v) = %v, want %v", tt.kind, target, got, want)
				}
			}
			if k, ok := smtplib.KindOf(err); !ok || k != tt.kind {
				t.Errorf("KindOf = %v %v", k, ok)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		err  *smtplib.Error
		want string
	}{
		{&smtplib.Error{Kind: smtplib.KindData, Code: 554, Msg: "5.7.1 spam\nsecond line"}, "smtplib: SMTPDataError: 554 5.7.1 spam second line"},
		{&smtplib.Error{Kind: smtplib.KindSenderRefused, Code: 553, Msg: "no", Sender: "a@b"}, "smtplib: SMTPSenderRefused: 553 no (sender a@b)"},
		{&smtplib.Error{Kind: smtplib.KindRecipientsRefused, Recipients: map[string]smtplib.Reply{"b@x": {550, "no"}, "a@x": {551, "moved"}}},
			"smtplib: SMTPRecipientsRefused: all recipients refused: a@x (551 moved) b@x (550 no)"},
		{&smtplib.Error{Kind: smtplib.KindNotSupported, Msg: "SMTPUTF8 not supported by server"}, "smtplib: SMTPNotSupportedError: SMTPUTF8 not supported by server"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestQuoteAddr(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a@example.org", "<a@example.org>"},
		{"Alice <a@example.org>", "<a@example.org>"},
		{"<a@example.org>", "<a@example.org>"},
		{"", "<>"},
		{"<>", "<>"},
		{"postmaster", "<postmaster>"},
		{`"Smith, J" <j@example.org>`, "<j@example.org>"},
	}
	for _, tt := range tests {
		if got := smtplib.QuoteAddr(tt.in); got != tt.want {
			t.Errorf("QuoteAddr(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEnvelope(t *testing.T) {
	tests := []struct {
		name, msg, from, to string
		err                 error
	}{
		{"from and to", "From: A <a@x>\r\nTo: b@x, C <c@x>\r\nCc: d@x\r\nBcc: e@x\r\n\r\nbody", "a@x", "b@x c@x e@x d@x", nil},
		{"sender wins", "Sender: s@x\r\nFrom: a@x\r\nTo: b@x\r\n\r\n", "s@x", "b@x", nil},
		{"resent block", "Resent-Date: now\r\nResent-From: r@x\r\nResent-To: t@x\r\nFrom: a@x\r\nTo: b@x\r\n\r\n", "r@x", "t@x", nil},
		{"two resent blocks", "Resent-Date: 1\r\nResent-Date: 2\r\nFrom: a@x\r\n\r\n", "", "", smtplib.ErrValue},
		{"folded", "From: a@x\nTo: b@x,\n\tc@x\n\n", "a@x", "b@x c@x", nil},
		{"body not read", "From: a@x\r\n\r\nTo: b@x\r\n", "a@x", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := smtplib.Envelope([]byte(tt.msg))
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(env.To); env.From != tt.from || got != "["+tt.to+"]" {
				t.Errorf("envelope = %q %s, want %q [%s]", env.From, got, tt.from, tt.to)
			}
		})
	}
}

func TestStripBcc(t *testing.T) {
	in := "From: a@x\r\nBcc: b@x,\r\n c@x\r\nTo: d@x\r\nresent-bcc: e@x\r\n\r\nBcc: in the body\r\n"
	want := "From: a@x\r\nTo: d@x\r\n\r\nBcc: in the body\r\n"
	if got := string(smtplib.StripBcc([]byte(in))); got != want {
		t.Errorf("StripBcc = %q, want %q", got, want)
	}
}
