package stdlib_test

import (
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib"
)

// TestPreload requires every module through Preload and uses them together
// the way a mail script does.
func TestPreload(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	stdlib.Preload(L)
	for _, m := range stdlib.Modules() {
		if err := L.DoString(`assert(type(require("` + m.Name + `")) == "table")`); err != nil {
			t.Errorf("require(%q): %v", m.Name, err)
		}
	}
	err := L.DoString(`
		local email, re, json, time = require("email"), require("re"), require("json"), require("time")
		local decode_header = require("email.header").decode_header
		local msg = email.message_from_string("Subject: =?utf-8?q?Invoice_4711?=\nDate: Tue, 5 Mar 2024 10:00:00 +0100\n\nbody\n")
		local subject = email.header.decode(msg["Subject"])
		local n = re.search([[\d+]], subject):group()
		local e = time.parse_rfc5322(msg["Date"])
		local out = json.encode({n = tonumber(n), when = time.format_imap(e), raw = decode_header(msg["Subject"])[1][1]})
		assert(out == '{"n":4711,"raw":"Invoice 4711","when":"05-Mar-2024 09:00:00 +0000"}', out)
		require("log").info("done", {n = n})
	`)
	if err != nil {
		t.Fatal(err)
	}
}
