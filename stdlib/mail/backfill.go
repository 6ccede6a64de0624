package mail

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/imaplib"
	lua "github.com/yuin/gopher-lua"
)

// DefaultBackfillBatch is how many messages a backfill hands to its
// function at once when the caller does not say.
const DefaultBackfillBatch = 500

// BackfillOptions configures Backfill.
type BackfillOptions struct {
	// Batch is how many messages each call gets (DefaultBackfillBatch
	// when 0).
	Batch int
	// OldestFirst walks the mailbox from its oldest message (lowest UID)
	// instead of its newest.
	OldestFirst bool
}

// backfillMark is where a backfill stands, kept in the rule's state:
// every UID at or above Low (newest first), or at or below High (oldest
// first), is done. Done says the walk reached the end.
type backfillMark struct {
	Validity uint32 `json:"uidvalidity"`
	Low      uint32 `json:"low,omitempty"`
	High     uint32 `json:"high,omitempty"`
	Done     bool   `json:"done,omitempty"`
}

func backfillKey(b *Mailbox, key string) string {
	return fmt.Sprintf("mail.backfill %s %s %s", b.acct.Name(), b.name, key)
}

// Backfill applies fn to the messages that are in the mailbox now, in
// batches, newest first (or oldest first), and returns how many messages
// it handed to fn in this call. It is resumable: the position is kept in
// the rule's state under key after each batch, so a run that was stopped
// goes on where it stopped, and one that finished does nothing more (mail
// that arrives later is for on_new or new_since). When the rule's state
// can group changes (host.Batcher), the position and what fn recorded in
// the state during the batch are saved together, so that a batch cut short
// is redone whole and counted once. A batch whose fn fails is not marked
// done; the error is returned. After a change of UIDVALIDITY the walk
// starts again.
func (b *Mailbox) Backfill(key string, opts BackfillOptions, fn func(*Set) error) (int, error) {
	a := b.acct
	st := a.h.State
	if st == nil {
		return 0, errors.New("mail: backfill: this run has no state store")
	}
	batch := opts.Batch
	if batch <= 0 {
		batch = DefaultBackfillBatch
	}
	skey := backfillKey(b, key)
	mk, err := loadBackfill(st, skey)
	if err != nil {
		return 0, err
	}
	m, validity, err := a.selectBox(b.name, a.DryRun())
	if err != nil {
		return 0, err
	}
	if mk != nil && mk.Validity != validity {
		a.logger().Warn("mail: backfill starts again: the mailbox was recreated (UIDVALIDITY changed)", "mailbox", b.name, "key", key)
		mk = nil
	}
	if mk == nil {
		mk = &backfillMark{Validity: validity}
	}
	if mk.Done {
		return 0, nil
	}
	todo, total, err := b.backfillTodo(m, mk, opts.OldestFirst)
	if err != nil {
		return 0, err
	}
	done := total - len(todo)
	label := "backfill " + b.name
	progress := a.h.Progress
	if progress != nil {
		progress(label, done, total)
	}
	handled := 0
	for i := 0; i < len(todo); i += batch {
		chunk := todo[i:min(i+batch, len(todo))]
		next := *mk
		if opts.OldestFirst {
			next.High = chunk[len(chunk)-1]
		} else {
			next.Low = chunk[len(chunk)-1]
		}
		next.Done = i+batch >= len(todo)
		if err := b.backfillBatch(st, skey, validity, chunk, next, fn); err != nil {
			return handled, err
		}
		*mk = next
		handled += len(chunk)
		done += len(chunk)
		if progress != nil {
			progress(label, done, total)
		}
	}
	if len(todo) == 0 {
		mk.Done = true
		if err := saveBackfill(st, skey, mk); err != nil {
			return 0, err
		}
	}
	return handled, nil
}

// backfillBatch runs fn on one batch and records next as the position,
// together with fn's own state changes when the store can group them.
func (b *Mailbox) backfillBatch(st host.State, skey string, validity uint32, chunk []uint32, next backfillMark, fn func(*Set) error) (err error) {
	bt, grouped := st.(host.Batcher)
	if grouped {
		bt.Begin()
		defer func() {
			if err != nil {
				bt.Rollback()
			}
		}()
	}
	if err := fn(NewSet(b, validity, imaplib.SeqSetOf(chunk...))); err != nil {
		return err
	}
	if err := saveBackfill(st, skey, &next); err != nil {
		return err
	}
	if grouped {
		return bt.Commit()
	}
	return nil
}

func loadBackfill(st host.State, key string) (*backfillMark, error) {
	raw, ok, err := st.Get(key)
	if err != nil || !ok {
		return nil, err
	}
	var mk backfillMark
	if err := json.Unmarshal(raw, &mk); err != nil {
		return nil, fmt.Errorf("mail: state %q is damaged: %w", key, err)
	}
	return &mk, nil
}

func saveBackfill(st host.State, key string, mk *backfillMark) error {
	raw, err := json.Marshal(mk)
	if err != nil {
		return err
	}
	return st.Set(key, raw)
}

// luaBackfill is mbox:backfill(key, [opts], fn): opts are batch (number)
// and order ("newest" or "oldest"); it returns the number of messages
// handed to fn.
func luaBackfill(L *lua.LState) int {
	b := checkMailbox(L, 1)
	key := L.CheckString(2)
	var opts BackfillOptions
	fnArg := 3
	if t, ok := L.Get(3).(*lua.LTable); ok {
		fnArg = 4
		var err error
		t.ForEach(func(k, v lua.LValue) {
			if err != nil {
				return
			}
			switch k.String() {
			case "batch":
				n, ok := v.(lua.LNumber)
				if !ok || n < 1 || float64(n) != float64(int(n)) {
					err = fmt.Errorf("mail: backfill: batch must be a whole number of at least 1, not %s", luaRepr(v))
				}
				opts.Batch = int(n)
			case "order":
				switch v.String() {
				case "newest":
				case "oldest":
					opts.OldestFirst = true
				default:
					err = fmt.Errorf("mail: backfill: order is \"newest\" or \"oldest\", not %s", luaRepr(v))
				}
			default:
				err = fmt.Errorf("mail: backfill: unknown option %s (batch, order)", luaRepr(k))
			}
		})
		if err != nil {
			raise(L, err)
		}
	}
	fn := L.CheckFunction(fnArg)
	n, err := b.Backfill(key, opts, func(s *Set) error {
		return L.CallByParam(lua.P{Fn: fn, NRet: 0, Protect: true}, push(L, SetType, s))
	})
	if err != nil {
		var le *lua.ApiError
		if errors.As(err, &le) {
			L.Error(le.Object, 0) // the function's own error, as raised
		}
		raise(L, err)
	}
	L.Push(lua.LNumber(n))
	return 1
}

// backfillTodo returns the UIDs of the mailbox a backfill at mk has still
// to do, in the order to do them, and the number of messages in all.
func (b *Mailbox) backfillTodo(m *imaplib.IMAP4, mk *backfillMark, oldestFirst bool) ([]uint32, int, error) {
	a := b.acct
	all, err := m.UIDSearch("ALL")
	if err != nil {
		return nil, 0, fmt.Errorf("mail: %s: backfill %q: %w", a.Name(), b.name, a.check(err))
	}
	nums, err := all.Nums()
	if err != nil {
		return nil, 0, fmt.Errorf("mail: backfill: %w", err)
	}
	var todo []uint32
	for _, n := range nums {
		if (oldestFirst && (mk.High == 0 || n > mk.High)) || (!oldestFirst && (mk.Low == 0 || n < mk.Low)) {
			todo = append(todo, n)
		}
	}
	if !oldestFirst {
		slices.Reverse(todo)
	}
	return todo, len(nums), nil
}
