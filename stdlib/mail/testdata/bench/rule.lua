-- Move the messages whose decoded subject has a character outside ASCII.
local mail = require("mail")
local inbox = mail.account():mailbox("INBOX")
print(inbox:all():match{subject = "[^\\x00-\\x7f]"}:move_to("Matched"))
