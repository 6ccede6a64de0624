-- Statistics per sender: who sends you the most mail, and how much of it
-- you leave unread.
--
-- Shows: reading a whole mailbox with set:messages() (envelopes and flags
-- fetched 200 at a time, no bodies), msg.from_addr, msg.flags, msg.size,
-- and sorting a Lua table.
--
--   mailscript run --demo examples/stats-per-sender.lua [MAILBOX] [TOP]
local mail = require("mail")

local name = arg[1] or "INBOX"
local top = tonumber(arg[2]) or 10
local mbox = mail.account():mailbox(name)  -- the account in MAILSCRIPT_ACCOUNT

local senders = {}  -- address -> {count, unread, bytes}
local total = 0
for msg in mbox:all():messages() do
  local s = senders[msg.from_addr]
  if not s then
    s = {addr = msg.from_addr, count = 0, unread = 0, bytes = 0}
    senders[msg.from_addr] = s
  end
  s.count = s.count + 1
  s.bytes = s.bytes + msg.size
  if not msg:has_flag("\\Seen") then
    s.unread = s.unread + 1
  end
  total = total + 1
end

local list = {}
for _, s in pairs(senders) do list[#list + 1] = s end
-- Most messages first; ties by address, so the output is stable.
table.sort(list, function(a, b)
  if a.count ~= b.count then return a.count > b.count end
  return a.addr < b.addr
end)

print(("%d messages from %d senders in %s"):format(total, #list, name))
print(("%5s %6s %8s  %s"):format("count", "unread", "KiB", "sender"))
for i = 1, math.min(top, #list) do
  local s = list[i]
  print(("%5d %6d %8.1f  %s"):format(s.count, s.unread, s.bytes / 1024, s.addr))
end
