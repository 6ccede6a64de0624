package imapfilter_test

import (
	"fmt"

	"github.com/mailscript/mailscript/stdlib/imapfilter"
)

// Patterns keep PCRE's meaning: byte-wise, $ before a final newline.
func ExampleCompile() {
	re, err := imapfilter.Compile(`^(\w+)@example\.org$`)
	if err != nil {
		panic(err)
	}
	m := re.Find("bob@example.org\n")
	fmt.Println(*m[0], *m[1])

	_, err = imapfilter.Compile(`^(?!Re:)`)
	fmt.Println(err)
	// Output:
	// bob@example.org bob
	// imapfilter: pattern "^(?!Re:)": invalid or unsupported Perl syntax: `(?!`: lookaround is PCRE only; match the wider text and test the rest in Lua, or combine searches with * and -
}

// Check finds what would stop a config half-way, before it runs.
func ExampleCheck() {
	src := "acct = IMAP { server = 'imap.example.org', username = 'me' }\n" +
		"old = acct.INBOX:is_older(365 // 2)\n"
	fmt.Println(imapfilter.Check("config.lua", []byte(src)))
	// Output:
	// config.lua:2: "//" is integer division (Lua 5.3), which mailscript's Lua 5.1 cannot run; write math.floor(a / b)
}
