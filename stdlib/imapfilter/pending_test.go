package imapfilter_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/host"
	"github.com/mailscript/mailscript/stdlib/imapfilter"
)

// runDeferred runs src as the command does (DeferExpunge, then Teardown),
// with a global inbox_count() that counts the messages of the INBOX
// through a connection of its own, as another client sees them.
func runDeferred(t *testing.T, port string, opts imapfilter.Options, src string) (string, error) {
	t.Helper()
	L := lua.NewState()
	defer L.Close()
	h := &host.Host{Context: context.Background()}
	host.Set(L, h)
	defer h.CloseAll()
	var out bytes.Buffer
	L.SetGlobal("print", L.NewFunction(func(L *lua.LState) int {
		var parts []string
		for i := 1; i <= L.GetTop(); i++ {
			parts = append(parts, L.ToStringMeta(L.Get(i)).String())
		}
		out.WriteString(strings.Join(parts, "\t") + "\n")
		return 0
	}))
	L.SetGlobal("inbox_count", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(len(subjects(t, port, "INBOX"))))
		return 1
	}))
	if err := imapfilter.Install(L, opts); err != nil {
		t.Fatal(err)
	}
	err := L.DoString(src)
	if terr := imapfilter.Teardown(L, err); err == nil {
		err = terr
	}
	return out.String(), err
}

// bigBed adds n messages to the INBOX of the test server.
func bigBed(t *testing.T, n int) string {
	t.Helper()
	srv, port := bed(t)
	for i := 0; i < n; i++ {
		raw := fmt.Sprintf("From: bulk@example.com\r\nSubject: bulk %d\r\nMessage-ID: <bulk%d@test>\r\n\r\nbody\r\n", i, i)
		if _, err := srv.Append("alice", "INBOX", []byte(raw), nil, time.Date(2025, 2, 1, 9, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
	}
	return port
}

const oneByOne = `
options.info = false
function one_by_one(result, dest)
    for _, m in ipairs(result) do acct.INBOX:move_messages(dest, { m }) end
end
`

// TestDeferredExpungeFlushPoints checks when the waiting expunge reaches
// the server, as another client sees it: not after each move, but at
// sleep, at the limit, and at the end of the run; and never when the
// expunge is not deferred.
func TestDeferredExpungeFlushPoints(t *testing.T) {
	tests := []struct {
		name     string
		deferred bool
		limit    int
		src      string
		want     string
	}{
		{name: "waits until sleep", deferred: true, limit: 1000, src: `
one_by_one(acct.INBOX:contain_from('news@letter.example'), acct['News'])
print(inbox_count(), #acct.INBOX:select_all())
sleep(0)
print(inbox_count(), #acct.INBOX:select_all())
`, want: "9\t7\n7\t7\n"},
		{name: "the limit", deferred: true, limit: 3, src: `
local bulk = acct.INBOX:contain_from('bulk@example.com')
local first, rest = {}, {}
for i, m in ipairs(bulk) do if i <= 2 then table.insert(first, m) else table.insert(rest, m) end end
one_by_one(first, acct['Bulk'])
print(inbox_count())
one_by_one(rest, acct['Bulk'])
print(inbox_count(), #acct.INBOX:select_all())
`, want: "9\n6\t4\n"},
		{name: "without deferring", deferred: false, limit: 1000, src: `
one_by_one(acct.INBOX:contain_from('news@letter.example'), acct['News'])
print(inbox_count(), #acct.INBOX:select_all())
`, want: "7\t7\n"},
		{name: "the end of the run", deferred: true, limit: 1000, src: `
one_by_one(acct.INBOX:contain_from('bulk@example.com'), acct['Bulk'])
print(inbox_count(), #acct.INBOX:select_all())
`, want: "9\t4\n"},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			defer imapfilter.SetMaxPending(tt.limit)()
			port := bigBed(t, 5)
			out, err := runDeferred(t, port, imapfilter.Options{DeferExpunge: tt.deferred}, account(port)+oneByOne+tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if out != tt.want {
				t.Errorf("printed %q, want %q", out, tt.want)
			}
			// Whatever waited was expunged by the end.
			if n := len(subjects(t, port, "INBOX")); n+len(subjects(t, port, "News"))+len(subjects(t, port, "Bulk")) != 9 {
				t.Errorf("%d messages in all at the end, want 9", n)
			}
		})
	}
}

// TestDeferredExpungeAfterError checks that a config failing half-way
// still has its moves expunged by Teardown, and that the error is the
// config's.
func TestDeferredExpungeAfterError(t *testing.T) {
	port := bigBed(t, 3)
	_, err := runDeferred(t, port, imapfilter.Options{DeferExpunge: true}, account(port)+oneByOne+`
one_by_one(acct.INBOX:contain_from('bulk@example.com'), acct['Bulk'])
error('stop here')
`)
	if err == nil || !strings.Contains(err.Error(), "stop here") {
		t.Fatalf("error %v, want the config's", err)
	}
	if got := subjects(t, port, "INBOX"); len(got) != 4 {
		t.Errorf("INBOX holds %q, want the 4 messages not moved", got)
	}
	if got := subjects(t, port, "Bulk"); len(got) != 3 {
		t.Errorf("Bulk holds %q, want the 3 moved", got)
	}
}

// TestTeardownWithoutInstall is harmless on a state without the API.
func TestTeardownWithoutInstall(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	if err := imapfilter.Teardown(L, nil); err != nil {
		t.Error(err)
	}
}
