-- Bulk header fetch: FLAGS, RFC822.SIZE, From and Subject of every message
-- of a mailbox, as a Python imaplib user writes it (headers.py, line by line).
local imaplib = require("imaplib")
local M = imaplib.IMAP4(os.getenv("IMAP_HOST"), tonumber(os.getenv("IMAP_PORT")))
M:login(os.getenv("IMAP_USER"), os.getenv("IMAP_PASSWORD"))
M:select(os.getenv("BENCH_MAILBOX"), {readonly = true})
local typ, data = M:fetch("1:*", "(FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])")
local n, bytes = 0, 0
for _, item in ipairs(data) do
  if type(item) == "table" then
    n = n + 1
    bytes = bytes + #item[2]
  end
end
print(n, bytes)
M:logout()
