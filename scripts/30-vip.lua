-- VIPs: flag their mail so that it stands out in every mail client.
--
-- Mail from the people on the list below gets the \Flagged flag (a star in
-- most clients) while it is unread, so nothing from them gets lost in the
-- pile. Flags you remove by hand stay removed once you have read the mail.
local mail = require("mail")

local acct = mail.account()  -- the account in MAILSCRIPT_ACCOUNT
local inbox = acct:mailbox("INBOX")

local vips = {
  "boss@example.com",
  "mum@family.example",
}

-- any = {...} is an OR of searches: from the first VIP, or the second...
local from_vip = {}
for _, addr in ipairs(vips) do
  from_vip[#from_vip + 1] = {from = addr}
end

local unread = inbox:search{any = from_vip, unseen = true}
-- Set algebra: - is "but not", so only the messages still to flag.
local to_flag = unread - inbox:search{flagged = true}
local n = to_flag:flag()

for msg in unread:messages() do
  print(("vip: %s  %s"):format(msg.from, msg.subject))
end
print(("vip: %d unread from VIPs, %d newly flagged"):format(#unread, n))
