-- Save attachments: every attachment of the matching messages into a folder.
--
-- Shows: msg:attachments() (decoded file names, RFC 2231 and encoded words
-- included; decoded content) and the sandbox: a script may not write files
-- unless the command line allows it, and then only where it says.
--
--   mailscript run --demo --allow-write=attachments examples/save-attachments.lua attachments
--
-- Without --allow-write the first io.open for writing fails with an error
-- that names the flag. Only messages larger than 10 KB that the spam filter
-- did not flag are looked at: one SEARCH on the server.
local mail = require("mail")

local dir = arg[1] or "attachments"
local inbox = mail.account():mailbox("INBOX")  -- the account in MAILSCRIPT_ACCOUNT

-- Keep file names to one path component, without surprises.
local function safe(name)
  name = name:gsub("[/\\%z]", "_")
  if name == "" or name == "." or name == ".." then name = "attachment" end
  return name
end

local saved, bytes = 0, 0
local wanted = inbox:search{larger = "10K", no = {header = {["X-Spam-Flag"] = "YES"}}}
for msg in wanted:messages() do
  for _, a in ipairs(msg:attachments()) do
    if a.filename and a.filename ~= "" then
      local path = dir .. "/" .. msg.uid .. "-" .. safe(a.filename)
      local f = assert(io.open(path, "wb"))
      f:write(a.data)
      f:close()
      saved, bytes = saved + 1, bytes + #a.data
      print(("%s  (%s, %d bytes)"):format(path, a.content_type, #a.data))
    end
  end
end
print(("%d attachments saved, %d bytes"):format(saved, bytes))
