-- Forward invoices to the accountant: every message in INBOX whose
-- subject mentions an invoice and that was not forwarded yet goes to the
-- accountant as an attachment (message/rfc822, so nothing of it is lost),
-- with a short note. Each one gets the $Forwarded keyword as soon as its
-- forward is sent, so no run forwards it twice, even after a failure
-- half-way. Each forward logs one line, and a copy lands in the account's
-- \Sent mailbox. Try it first with --dry-run: the messages are printed,
-- not sent.
--
--   MAILSCRIPT_ACCOUNT=imaps://me@imap.example.org \
--     mailscript run forward-invoices.lua accountant@example.org
local mail = require("mail")

local accountant = assert(arg[1], "usage: forward-invoices.lua ACCOUNTANT-ADDRESS")
local inbox = mail.account():mailbox("INBOX")

local invoices = inbox:search{subject = "invoice", unkeyword = "$Forwarded"}
local n = invoices:forward_each{
  to = accountant,
  note = "Hello,\n\nplease find the invoice attached.\n",
  mark = "$Forwarded",
}
print(("%d invoice(s) forwarded to %s"):format(n, accountant))
