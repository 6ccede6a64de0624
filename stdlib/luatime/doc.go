// Package luatime is the Lua module "time" (require("time"); Lua's own
// os.time is unrelated): the clock and the date formats of mail.
//
//	local time = require("time")
//	local t = time.now()                          -- epoch seconds, with fraction
//	local e, off = time.parse_rfc5322(msg["Date"])  -- epoch, offset seconds (nil: unknown zone)
//	print(time.format_rfc5322(e, off))            -- "Tue, 05 Mar 2024 10:00:00 +0100"
//	local e2 = time.parse_imap("05-Mar-2024 10:00:00 +0100")  -- INTERNALDATE
//	print(time.format_imap(e2, 3600))             -- "05-Mar-2024 10:00:00 +0100"
//	M:search(nil, time.since(7))                  -- "SINCE 27-Feb-2024"
//	M:search(nil, time.before(30, {utc = true}))  -- "BEFORE 5-Feb-2024"
//
// Functions:
//   - now(): the current time as epoch seconds.
//   - parse_rfc5322(s): epoch and zone offset, parsed as leniently as
//     Python's email.utils.parsedate_to_datetime; nil and a message when s
//     is not a date.
//   - format_rfc5322(epoch [, offset]): RFC 5322 date (offset default 0).
//   - parse_imap(s): an IMAP date-time ("05-Mar-2024 10:00:00 +0100",
//     quoted or not, day padded with a space or a zero or not at all) or
//     date ("5-Mar-2024", read as midnight UTC, offset nil); nil and a
//     message otherwise.
//   - format_imap(epoch [, offset]): IMAP date-time for APPEND.
//   - imap_date(epoch [, opts]): IMAP SEARCH date ("5-Mar-2024") of the
//     day containing epoch, in local time or in UTC with opts.utc.
//   - days_ago(n [, opts]): imap_date of the day n days before today (or
//     before opts.from, an epoch); since(n [, opts]) and before(n [, opts])
//     return the SEARCH criteria "SINCE <date>" and "BEFORE <date>".
package luatime
