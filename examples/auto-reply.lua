-- Out of office: while you are away, people who write get one short
-- notice, at most once a week each. mail.vacation follows the rules of
-- RFC 3834 and Sieve's vacation (RFC 5230): no notice for mailing lists,
-- bulk and automatic mail, bounces, no-reply senders, mail you were only
-- Bcc'd on through a list, or your own mail; notices are marked
-- "Auto-Submitted: auto-replied" so that other robots leave them alone.
-- Who was answered is kept in the rule's state (--state-dir), so a
-- restart does not answer twice.
--
--   MAILSCRIPT_ACCOUNT='imaps://me@imap.example.org?smtp_from=me@example.org' \
--     mailscript watch --state-dir ~/.local/state/mailscript
--
-- The outgoing server defaults to the IMAP host's submission port (587,
-- STARTTLS) with the same login; give smtp=host:port in the URL, or
-- smtp = {host = ..., port = ..., tls = ...} in mail.account{...}.
local mail = require("mail")

local acct = mail.account()
local first_day, last_day = arg[1] or "2026-12-20", arg[2] or "2027-01-06"

mail.vacation{
  mbox = acct:mailbox("INBOX"),
  first_day = first_day, -- nothing is sent before this day...
  last_day = last_day,   -- ...or after this one
  days = 7,              -- one notice per sender per week
  addresses = {acct:from_address()}, -- mail not sent to me gets no notice
  subject = "Away until " .. last_day,
  text = ([[
Hello,

I am away from %s to %s and read my mail when I am back.
For anything urgent, please call the office.

Best regards
]]):format(first_day, last_day),
}
