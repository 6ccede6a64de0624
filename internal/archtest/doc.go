// Package archtest holds the tests that keep the layout of ARCHITECTURE.md
// true: which package may import which (no product code importing a test
// kit, no Lua in the imaplib packages, no engine in the stdlib modules, no
// module in host), and no function longer than 80 lines in the product
// packages. It has no code of its own.
package archtest
