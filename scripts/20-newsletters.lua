-- Newsletters: each list into its own folder, by its List-Id header.
--
-- A List-Id (RFC 2919) names a mailing list or newsletter whatever address
-- it is sent from, so it is the reliable way to recognise one. Find the
-- List-Id of a newsletter in your mail client ("show source" or "show all
-- headers") and add a line to the table below.
local mail = require("mail")

local acct = mail.account()  -- the account in MAILSCRIPT_ACCOUNT
local inbox = acct:mailbox("INBOX")

-- List-Id (the part between < and >, or any part of it)  ->  folder.
-- An ordered list rather than a table keyed by id, so the rule always
-- runs in the same order. For subfolders, write the name with your
-- server's separator: "Newsletters/Deals" (most servers) or
-- "Newsletters.Deals" (some Dovecot and Courier setups).
local lists = {
  {"gopherweekly.news.example.org",  "Gopher Weekly"},
  {"morning-brief.list.example.net", "Morning Brief"},
  {"deals.shopmart.example",         "Deals"},
  {"hebdo.journal-libre.example",    "Journal du Libre"},
}

local total = 0
for _, l in ipairs(lists) do
  local id, folder = l[1], l[2]
  -- One SEARCH on the server, then one MOVE of the whole set.
  local issues = inbox:search{header = {["List-Id"] = id}}
  if not issues:is_empty() then
    total = total + issues:move_to(folder)
  end
end
print(("newsletters: %d filed"):format(total))
