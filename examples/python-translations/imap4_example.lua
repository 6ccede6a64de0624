-- The "IMAP4 Example" of CPython's imaplib documentation (imap4_example.py),
-- line by line. Lua has no getpass: the server, user and password come from
-- the environment (IMAP_HOST, IMAP_PORT, IMAP_USER, IMAP_PASSWORD).
-- Differences of the languages: data[0] is data[1]; b'...'.split() is
-- gmatch("%S+"); Python prints bytes as b'...', Lua prints the text.
local imaplib = require("imaplib")

local M = imaplib.IMAP4({host = os.getenv("IMAP_HOST") or "example.org", port = tonumber(os.getenv("IMAP_PORT"))})
M:login(os.getenv("IMAP_USER"), os.getenv("IMAP_PASSWORD"))
M:select()
local typ, data = M:search(nil, "ALL")
for num in data[1]:gmatch("%S+") do
  typ, data = M:fetch(num, "(RFC822)")
  print(string.format("Message %s\n%s\n", num, data[1][2]))
end
M:close()
M:logout()
