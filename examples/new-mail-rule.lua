-- Rules that react: a rule that registers triggers stays alive after its
-- first run. Here new mail from the boss is flagged the moment it arrives
-- (IDLE, or polling where the server has no IDLE), and once an hour the
-- rule says how much is unread. `mailscript watch` keeps such rules
-- running and restarts them when their file changes.
--
--   MAILSCRIPT_ACCOUNT=imaps://me@imap.example.org mailscript watch
local mail = require("mail")
local engine = require("engine")
local state = require("state")

local inbox = mail.account():mailbox("INBOX")

mail.on_new(inbox, function(new)
  local boss = new:search{from = "boss@example.com"}
  boss:flag()
  -- state survives restarts of the rule and of mailscript.
  state.set("flagged", (state.get("flagged") or 0) + #boss)
  print(("%d new, %d from the boss (%d flagged so far)"):format(#new, #boss, state.get("flagged")))
end)

engine.every("1h", function()
  print(("%d unread in INBOX"):format(inbox:status().unseen))
end)
