-- Cross-account move: read mail older than three weeks from one account
-- into the archive folder of another, without ever losing a message.
--
-- Shows: two accounts in one script, and move_to with a mailbox of another
-- account as destination. mailscript downloads each message, appends it
-- there with its flags and arrival date, checks it arrived (APPENDUID, or a
-- search by Message-ID), and only then removes it from the source.
--
--   MAILSCRIPT_ACCOUNT=imaps://me@imap.example.org \
--   ARCHIVE_ACCOUNT='imaps://me@archive.example.net?create=true' \
--   mailscript run examples/cross-account-move.lua
local mail = require("mail")

local main = mail.account()                                 -- MAILSCRIPT_ACCOUNT
local archive_url = assert(os.getenv("ARCHIVE_ACCOUNT"), "set ARCHIVE_ACCOUNT to the archive's account URL")
local archive = mail.account(archive_url)

local year = os.date("%Y")
local dest = archive:mailbox("Archive " .. year)

local old = main:mailbox("INBOX"):search{seen = true, flagged = false, older = "3w"}
print(("moving %d messages from %s to %s on %s"):format(#old, "INBOX", dest.name, archive.name))
local n = old:move_to(dest)
print(("%d moved; %s now holds %d messages"):format(n, dest.name, dest:status().messages))
