// Package luaimaplib is the Lua module "imaplib": Python's imaplib, line for
// line, on top of the Go package imaplib.
//
// A Python imaplib script translates to Lua statement by statement:
//
//	M = imaplib.IMAP4_SSL('imap.example.org')      local M = imaplib.IMAP4_SSL("imap.example.org")
//	M.login(user, password)                        M:login(user, password)
//	typ, data = M.select('INBOX', readonly=True)   local typ, data = M:select("INBOX", {readonly = true})
//	typ, data = M.search(None, 'UNSEEN')           typ, data = M:search(nil, "UNSEEN")
//	for num in data[0].split():                    for num in data[1]:gmatch("%S+") do
//	    typ, msg = M.fetch(num, '(RFC822)')            typ, msg = M:fetch(num, "(RFC822)")
//	    print(msg[0][1])                               print(msg[1][2])
//	M.logout()                                     end
//	                                               M:logout()
//
// The rules (keyword arguments, None, tuples, errors, time tuples, the
// context manager and IDLE) are in the repository's docs/lua-imaplib.md.
// In short: Python's keyword arguments go in a trailing table; Python's
// None is nil as an argument and imaplib.None inside a returned list;
// bytes are Lua strings; a tuple (header, literal) is a two-element table;
// exceptions are raised as values whose class answers is(e) as Python's
// except clause would (imaplib.IMAP4.error:is(e) also holds for abort and
// readonly); time tuples have the shape of os.date("*t").
//
// Every connection is registered with the run's host, so that a run that
// ends, fails or is cancelled with connections still open logs them out
// (within a short grace) and closes them.
package luaimaplib
