// Package smtplib is the Lua module "smtplib": Python's smtplib, line for
// line, on top of the Go package smtplib.
//
// A Python smtplib script translates to Lua statement by statement:
//
//	s = smtplib.SMTP('smtp.example.org', 587)     local s = smtplib.SMTP("smtp.example.org", 587)
//	s.starttls()                                   s:starttls()
//	s.login(user, password)                        s:login(user, password)
//	refused = s.sendmail(frm, [to], msg)           local refused = s:sendmail(frm, {to}, msg)
//	s.quit()                                       s:quit()
//
// The rules are imaplib's (see docs/lua-smtplib.md): Python's keyword
// arguments go in a trailing options table; None is nil; bytes are Lua
// strings; a method returning Python's (code, msg) tuple returns two
// values; a tuple inside a result (the refused recipients' replies) is a
// two-element table; exceptions are raised as values whose class answers
// is(e) as Python's except clause would (smtplib.SMTPException:is(e) holds
// for every SMTP error), with smtp_code, smtp_error, sender and recipients
// as Python's attributes.
//
// Commands go one at a time, as Python sends them (no PIPELINING), so a
// server sees Python's conversation; the conformance suite compares the
// conversations as Postfix counted them as well as the printed output.
//
// Every connection is registered with the run's host: a run that ends,
// fails or is cancelled with connections open sends QUIT (within a short
// grace) and closes them. In a dry run, sendmail and send_message send
// nothing: they log what they would send and return no refused
// recipients.
package smtplib
