-- A typical Python imaplib script (imaplib-from-python.py, next to this
-- file) translated line by line: list the unread mail of the inbox with
-- decoded senders and subjects.
--
-- Shows: the imaplib module's Python names and (typ, data) results, the
-- email module's decode_header/make_header, and what changes between the
-- languages: M.x() is M:x(), keyword arguments go in a table, data[0] is
-- data[1], bytes.split() is gmatch("%S+"), and there is no .decode()
-- because Lua strings are bytes. Against the same server both print the
-- same thing (the test checks it byte for byte).
--
--   mailscript run --demo examples/imaplib-from-python.lua
local email = require("email")
local imaplib = require("imaplib")
local decode_header, make_header = email.header.decode_header, email.header.make_header

local M = imaplib.IMAP4(os.getenv("IMAP_HOST"), tonumber(os.getenv("IMAP_PORT")))
M:login(os.getenv("IMAP_USER"), os.getenv("IMAP_PASSWORD"))
local typ, data = M:select("INBOX", {readonly = true})
print(string.format("INBOX: %s messages", data[1]))
typ, data = M:search(nil, "UNSEEN")
local nums = {}
for num in data[1]:gmatch("%S+") do nums[#nums + 1] = num end
print(string.format("%d unread", #nums))
for _, num in ipairs(nums) do
  typ, data = M:fetch(num, "(BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])")
  local msg = email.message_from_bytes(data[1][2])
  local sender = tostring(make_header(decode_header(msg:get("From", ""))))
  local subject = tostring(make_header(decode_header(msg:get("Subject", ""))))
  print(string.format("%s | %s | %s", num, sender, subject))
end
M:close()
M:logout()
