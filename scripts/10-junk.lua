-- Junk mail: out of the inbox, and gone after 30 days.
--
-- The spam filter of the server (SpamAssassin, rspamd...) marks junk with
-- the header "X-Spam-Flag: YES" but leaves it in the inbox. This rule moves
-- it to the folder Junk, then deletes what has been in Junk for more than
-- 30 days. Deleting expunges exactly those messages, never anything else
-- marked \Deleted in the folder.
local mail = require("mail")

-- mail.account() with no argument reads the account URL from the
-- environment variable MAILSCRIPT_ACCOUNT, for example
--   imaps://me@imap.example.org?password_cmd=pass+show+mail
local acct = mail.account()
local inbox = acct:mailbox("INBOX")
local junk = acct:mailbox("Junk")

local spam = inbox:search{header = {["X-Spam-Flag"] = "YES"}}
local moved = spam:move_to(junk)

-- "older" is the age of the message on the server (its arrival date).
local expired = junk:search{older = "30d"}
local deleted = expired:delete()

print(("junk: %d moved to Junk, %d older than 30 days deleted"):format(moved, deleted))
