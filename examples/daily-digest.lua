-- A daily digest: one message summing up the last day's mail, grouped by
-- kind, filed in the folder Digests (and printed).
--
-- Shows: searching by age (newer = "1d"), set algebra to split a set
-- (newsletters and notifications out of the rest), decoded subjects and
-- senders, the time module's RFC 5322 dates, and mbox:append to store a
-- message that the script composed. Run it once a day from cron, or leave
-- it in the folder `mailscript watch` runs.
--
--   mailscript run --demo examples/daily-digest.lua
local mail = require("mail")
local time = require("time")

local acct = mail.account()  -- the account in MAILSCRIPT_ACCOUNT
local inbox = acct:mailbox("INBOX")

local today = inbox:search{newer = "1d"}
-- Bulk mail announces itself with a List-Id or an Auto-Submitted header.
local bulk = today:search{any = {{header = {["List-Id"] = ""}}, {header = {["Auto-Submitted"] = "auto"}}}}
local sections = {
  {"Personal and work", today - bulk},
  {"Lists, newsletters and notifications", bulk},
}

local lines = {}
local function add(s) lines[#lines + 1] = s end
add(("%d new messages in the last 24 hours, %d unread."):format(#today, #today:search{unseen = true}))
for _, section in ipairs(sections) do
  local title, set = section[1], section[2]
  add("")
  add(("%s (%d)"):format(title, #set))
  for msg in set:messages() do
    local mark = msg:has_flag("\\Seen") and " " or "*"  -- * unread
    add(("  %s %s: %s"):format(mark, msg.from, msg.subject))
  end
end
local body = table.concat(lines, "\n")
print(body)

local now = time.now()
local raw = table.concat({
  "From: mailscript <digest@localhost>",
  "To: " .. acct.user,
  "Subject: Digest of " .. os.date("!%Y-%m-%d", now),
  "Date: " .. time.format_rfc5322(now),
  "MIME-Version: 1.0",
  "Content-Type: text/plain; charset=utf-8",
  "Content-Transfer-Encoding: 8bit",
  "",
  body,
  "",
}, "\r\n")
local digests = acct:mailbox("Digests")
if #acct:mailboxes("Digests") == 0 then acct:create("Digests") end
digests:append(raw)
