-- Alert when a mailbox holds too many unread messages.
-- Arguments: MAILBOX=COUNT pairs; globals and modules come from the host.
local settings = require("settings")

for _, pair in ipairs(arg) do
  local box, count = pair:match("^(.-)=(%d+)$")
  count = tonumber(count)
  print(string.format("%-8s %d unread", box, count))
  if box == settings.mailbox and count > settings.max_unread then
    notifier:Notify("warn", box .. " has " .. count .. " unread messages")
  end
end
