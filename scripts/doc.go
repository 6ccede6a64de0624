// Package scripts holds the starter rules: small Lua programs that sort a
// mailbox with the mail module. They are the folder `mailscript watch`
// runs by default and the rules `mailscript demo` runs against its sample
// mailbox, which is why they are also embedded in the binary (FS).
//
// Each rule reads its account from the environment variable
// MAILSCRIPT_ACCOUNT (see the mail module), so the same files run against
// the demo server and against a real account.
package scripts
