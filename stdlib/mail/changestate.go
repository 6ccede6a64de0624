package mail

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/imaplib"
)

// The baseline of on_change survives restarts where the server has
// CONDSTORE: the mailbox's UIDVALIDITY, the highest mod-sequence seen and
// the UIDs known are kept in the rule's state after each check, and a
// trigger that starts (or starts again) under the same UIDVALIDITY asks
// for what changed since then: changes and expunges made while the rule
// was not running are reported. Without CONDSTORE the baseline (every
// message's flags) stays in memory, and starts afresh with the rule.

// changeMark is the recorded baseline of on_change.
type changeMark struct {
	Validity uint32 `json:"uidvalidity"`
	ModSeq   uint64 `json:"modseq"`
	Known    string `json:"known"`
}

// checkSaved is check with the baseline loaded from and saved to the
// rule's state.
func (t *ChangeTrigger) checkSaved(ctx context.Context, s host.Sink, m *imaplib.IMAP4, info *imaplib.MailboxInfo) error {
	st := t.w.h.State
	condStore := info.HighestModSeq > 0 && !info.NoModSeq
	if !t.primed && condStore && st != nil && t.key != "" {
		raw, ok, err := st.Get(t.key)
		if err != nil {
			return err
		}
		var mk changeMark
		if ok {
			if err := json.Unmarshal(raw, &mk); err != nil {
				return fmt.Errorf("mail: state %q is damaged: %w", t.key, err)
			}
		}
		if ok && mk.Validity == info.UIDValidity && mk.ModSeq > 0 {
			t.validity, t.modSeq, t.known, t.primed = mk.Validity, mk.ModSeq, parseSet(mk.Known), true
			t.w.logger().Info("mail: "+t.w.desc+": catching up from the recorded mod-sequence", "modseq", mk.ModSeq)
		}
	}
	if err := t.check(ctx, s, m, info); err != nil {
		return err
	}
	if condStore && t.primed && st != nil && t.key != "" {
		raw, _ := json.Marshal(changeMark{Validity: t.validity, ModSeq: t.modSeq, Known: t.known.String()})
		return st.Set(t.key, raw)
	}
	return nil
}
