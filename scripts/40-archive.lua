-- Archive: read mail older than 18 days leaves the inbox.
--
-- What you have read and not flagged goes to the folder Archive once it is
-- 18 days old, so the inbox holds what is new or still needs doing. It
-- runs after the other rules (the files run in name order), so
-- newsletters and junk are already sorted out of the inbox.
local mail = require("mail")

local acct = mail.account()  -- the account in MAILSCRIPT_ACCOUNT
local inbox = acct:mailbox("INBOX")

local old = inbox:search{seen = true, flagged = false, older = "18d"}
local n = old:move_to("Archive")
print(("archive: %d read messages older than 18 days archived"):format(n))
