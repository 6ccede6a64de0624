package mail

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/stdlib/email"
)

// Vacation answers new mail with an automatic notice, following RFC 3834
// and Sieve's vacation extension (RFC 5230): it never answers automatic
// mail (Auto-Submitted other than "no", Precedence bulk, list or junk,
// List-* fields, X-Auto-Response-Suppress), mail with an empty or
// MAILER-DAEMON/no-reply sender, mail not addressed to one of Addresses,
// or the account's own mail; it answers a sender at most once per Days,
// remembered in the rule's state; its notices carry
// "Auto-Submitted: auto-replied" and go out with an empty envelope sender,
// so that they are never answered or bounced in turn.
type Vacation struct {
	Account *Account
	// Text and HTML are the notice (HTML optional); Subject its subject
	// ("Auto: <original subject>" when empty).
	Text, HTML, Subject string
	// Days between two notices to the same sender (7 when zero).
	Days int
	// Addresses are the user's addresses (the account's From address when
	// empty): mail not addressed to one of them is not answered.
	Addresses []string
	// FirstDay and LastDay bound the period (inclusive, local days); zero
	// means unbounded.
	FirstDay, LastDay time.Time
	// From is the notice's From ("" means the address the mail was sent
	// to, among Addresses).
	From string
	// State stores when each sender was last answered; nil keeps it in
	// memory for the run.
	State host.State
	// Now is the clock (time.Now when nil).
	Now func() time.Time

	mu  sync.Mutex
	mem map[string][]byte
}

// Vacation skip reasons, as logged.
const (
	SkipAutoSubmitted = "auto-submitted"
	SkipPrecedence    = "precedence"
	SkipList          = "mailing list"
	SkipSuppressed    = "auto-response suppressed"
	SkipNoSender      = "empty sender"
	SkipRobot         = "automatic sender"
	SkipNotAddressed  = "not addressed to me"
	SkipOwnMail       = "own mail"
	SkipOutsideDates  = "outside the vacation dates"
	SkipAlreadyWarned = "already answered"
)

// robotLocals are sender local parts that never get a notice.
var robotLocals = []string{"mailer-daemon", "postmaster", "no-reply", "noreply", "do-not-reply", "donotreply",
	"no_reply", "listserv", "majordomo", "bounce", "bounces"}

func (v *Vacation) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v *Vacation) days() int {
	if v.Days <= 0 {
		return 7
	}
	return v.Days
}

func (v *Vacation) addresses() []string {
	if len(v.Addresses) > 0 {
		return v.Addresses
	}
	return []string{email.ParseAddr(v.Account.FromAddress()).Addr}
}

// Sender returns the address a notice would go to: the Return-Path (the
// envelope sender the delivering server recorded), else From; empty when
// the Return-Path is empty ("<>").
func Sender(m *email.Message) string {
	if rp, ok := m.Get("return-path"); ok {
		rp = strings.TrimSpace(rp)
		if rp == "<>" || rp == "" {
			return ""
		}
		return strings.ToLower(strings.Trim(email.ParseAddr(rp).Addr, "<>"))
	}
	if as := email.ParseAddresses(func() string { v, _ := m.Get("from"); return v }()); len(as) > 0 {
		return strings.ToLower(as[0].Addr)
	}
	return ""
}

// Decide says whether m gets a notice: it returns the sender and the
// address of the user it was sent to, or the reason to stay silent.
func (v *Vacation) Decide(m *email.Message) (sender, rcpt, skip string) {
	if as, ok := m.Get("auto-submitted"); ok {
		val, _, _ := strings.Cut(as, ";")
		if !strings.EqualFold(strings.TrimSpace(val), "no") {
			return "", "", SkipAutoSubmitted
		}
	}
	if p, ok := m.Get("precedence"); ok {
		switch strings.ToLower(strings.TrimSpace(p)) {
		case "bulk", "list", "junk":
			return "", "", SkipPrecedence
		}
	}
	for _, f := range m.Fields {
		if strings.HasPrefix(strings.ToLower(f.Name), "list-") {
			return "", "", SkipList
		}
	}
	if s, ok := m.Get("x-auto-response-suppress"); ok {
		for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ',' || r == ' ' }) {
			if w == "all" || w == "oof" || w == "autoreply" {
				return "", "", SkipSuppressed
			}
		}
	}
	sender = Sender(m)
	if sender == "" {
		return "", "", SkipNoSender
	}
	local, _, _ := strings.Cut(sender, "@")
	for _, r := range robotLocals {
		if local == r {
			return "", "", SkipRobot
		}
	}
	if strings.HasPrefix(local, "owner-") || strings.HasSuffix(local, "-request") || strings.HasSuffix(local, "-bounces") {
		return "", "", SkipRobot
	}
	own := v.addresses()
	if inList(sender, own) {
		return "", "", SkipOwnMail
	}
	for _, f := range []string{"to", "cc", "bcc", "resent-to", "resent-cc", "resent-bcc"} {
		for _, val := range m.GetAll(f) {
			for _, a := range email.ParseAddresses(val) {
				if rcpt == "" && inList(a.Addr, own) {
					rcpt = a.Addr
				}
			}
		}
	}
	if rcpt == "" {
		return "", "", SkipNotAddressed
	}
	now := v.now()
	if !v.FirstDay.IsZero() && now.Before(startOfDay(v.FirstDay)) {
		return "", "", SkipOutsideDates
	}
	if !v.LastDay.IsZero() && !now.Before(startOfDay(v.LastDay).AddDate(0, 0, 1)) {
		return "", "", SkipOutsideDates
	}
	if last, ok := v.lastNotice(sender); ok && now.Sub(last) < time.Duration(v.days())*24*time.Hour {
		return "", "", SkipAlreadyWarned
	}
	return sender, rcpt, ""
}

func startOfDay(t time.Time) time.Time {
	y, mo, d := t.Date()
	return time.Date(y, mo, d, 0, 0, 0, 0, t.Location())
}

func stateKey(sender string) string { return "vacation:" + sender }

func (v *Vacation) lastNotice(sender string) (time.Time, bool) {
	raw, ok := v.get(stateKey(sender))
	if !ok {
		return time.Time{}, false
	}
	var epoch float64
	if err := json.Unmarshal(raw, &epoch); err != nil {
		return time.Time{}, false
	}
	return time.Unix(int64(epoch), 0), true
}

func (v *Vacation) get(k string) ([]byte, bool) {
	if v.State != nil {
		raw, ok, err := v.State.Get(k)
		if err == nil {
			return raw, ok
		}
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	raw, ok := v.mem[k]
	return raw, ok
}

func (v *Vacation) set(k string, val []byte) error {
	if v.State != nil {
		if val == nil {
			return v.State.Set(k, nil)
		}
		return v.State.Set(k, val)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.mem == nil {
		v.mem = map[string][]byte{}
	}
	if val == nil {
		delete(v.mem, k)
	} else {
		v.mem[k] = val
	}
	return nil
}

// Notice builds the notice answering m, sent to sender from rcpt.
func (v *Vacation) Notice(m *email.Message, sender, rcpt string) (*email.Message, error) {
	from := v.From
	if from == "" {
		from = rcpt
		if fa := v.Account.FromAddress(); strings.EqualFold(email.ParseAddr(fa).Addr, rcpt) {
			from = fa
		}
	}
	subject := v.Subject
	if subject == "" {
		subject = "Auto: " + decoded(m, "subject")
	}
	r := email.NewEmailMessage()
	steps := []func() error{
		func() error { return r.SetItem("From", from) },
		func() error { return r.SetItem("To", sender) },
		func() error { return r.SetItem("Subject", subject) },
		func() error { return threadFields(r, m) },
		func() error { return r.SetItem("Auto-Submitted", "auto-replied") },
		func() error { return setBody(r, v.Text, v.HTML) },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return nil, fmt.Errorf("mail: vacation: %w", err)
		}
	}
	return r, nil
}

// Answer decides about m and, when it gets a notice, sends it (recording
// the sender first, so that a failure after the server accepted the
// notice can never lead to a second one). It returns whether a notice was
// sent (or, in dry-run, would have been) and the reason when not.
func (v *Vacation) Answer(m *email.Message) (bool, string, error) {
	a := v.Account
	sender, rcpt, skip := v.Decide(m)
	id, _ := m.Get("message-id")
	if skip != "" {
		a.logger().Info("mail: vacation: no notice", "account", a.Name(), "message_id", strings.TrimSpace(id), "reason", skip)
		return false, skip, nil
	}
	notice, err := v.Notice(m, sender, rcpt)
	if err != nil {
		return false, "", err
	}
	dry := a.DryRun()
	var prev []byte
	var had bool
	if !dry {
		prev, had = v.get(stateKey(sender))
		stamp, _ := json.Marshal(v.now().Unix())
		if err := v.set(stateKey(sender), stamp); err != nil {
			return false, "", fmt.Errorf("mail: vacation: state: %w", err)
		}
	}
	_, err = a.Send([]byte(notice.Generate(false)), SendOptions{NullSender: true, To: []string{sender}, Action: "vacation", NoSave: true})
	if err != nil {
		if !NotSent(err) {
			// The server may have the notice: keep the record, so that
			// the sender never gets two.
			return false, "", err
		}
		// Nothing was accepted: forget the record so a later message is
		// answered.
		if !dry {
			if had {
				_ = v.set(stateKey(sender), prev)
			} else {
				_ = v.set(stateKey(sender), nil)
			}
		}
		return false, "", err
	}
	return true, "", nil
}
