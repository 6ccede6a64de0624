-- Gmail or Office 365 with OAuth2: log in with an access token printed by a
-- command, instead of a password.
--
-- mailscript can sign in and refresh tokens itself ("mailscript auth login
-- NAME", then oauth2 = "NAME"; see the README's "Gmail and Microsoft 365").
-- This example is for people who already have a helper program.
--
-- Shows: mail.account with oauth2 = {token_cmd = ...}. Gmail and Office 365
-- refuse passwords for IMAP; they want AUTHENTICATE XOAUTH2 with a
-- short-lived access token. Getting one is the job of a small helper
-- program that holds your refresh token (for example a script around the
-- provider's OAuth2 library, or a password manager's plugin); mailscript
-- runs it at each login and takes the first line of its output. Running a
-- command needs --allow-run.
--
--   OAUTH2_ACCOUNT='imaps://me%40gmail.com@imap.gmail.com' \
--   OAUTH2_TOKEN_CMD='oauth2-token gmail' \
--   mailscript --allow-run run examples/oauth2-token.lua
--
-- Office 365: imaps://me%40example.com@outlook.office365.com
local mail = require("mail")

local acct = mail.account(
  os.getenv("OAUTH2_ACCOUNT") or "imaps://me%40gmail.com@imap.gmail.com",
  {oauth2 = {token_cmd = os.getenv("OAUTH2_TOKEN_CMD") or "oauth2-token gmail"}})

local st = acct:mailbox("INBOX"):status()
print(("%s: %d messages, %d unread"):format(acct.name, st.messages, st.unseen))
