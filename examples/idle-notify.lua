-- IDLE notifications: print each new message as it arrives, without
-- polling.
--
-- Shows: the imaplib module's IDLE (Python 3.14's M.idle(), here with a
-- callback-free iterator), reacting to "* N EXISTS" by fetching the new
-- messages' envelopes by UID, and keeping the connection alive: each IDLE
-- lasts at most 29 minutes, as RFC 2177 asks, then starts again.
--
--   mailscript run --demo examples/idle-notify.lua [COUNT]
--
-- With COUNT it stops after COUNT new messages; otherwise it runs until
-- interrupted (Ctrl-C). Against a real account, set IMAP_HOST, IMAP_PORT
-- (993 for TLS, then use IMAP4_SSL), IMAP_USER and IMAP_PASSWORD.
local email = require("email")
local imaplib = require("imaplib")

local want = tonumber(arg[1])
local M = imaplib.IMAP4(os.getenv("IMAP_HOST"), tonumber(os.getenv("IMAP_PORT")))
M:login(os.getenv("IMAP_USER"), os.getenv("IMAP_PASSWORD"))
local typ, data = M:select("INBOX")
local known = tonumber(data[1])  -- messages already there
print(string.format("watching INBOX (%d messages)", known))
io.stdout:flush()

local seen = 0
while not want or seen < want do
  local exists
  -- Wait up to 29 minutes for the server to push something.
  for typ, data in M:idle(29 * 60):iter() do
    if typ == "EXISTS" then
      exists = tonumber(data[1])
      break                                 -- ends the IDLE (DONE is sent)
    end
  end
  if exists and exists > known then
    typ, data = M:fetch(string.format("%d:%d", known + 1, exists),
                        "(BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])")
    for _, item in ipairs(data) do
      if type(item) == "table" then
        local msg = email.message_from_bytes(item[2])
        local from = tostring(email.header.make_header(email.header.decode_header(msg:get("From", ""))))
        local subject = tostring(email.header.make_header(email.header.decode_header(msg:get("Subject", ""))))
        print(string.format("new mail from %s: %s", from, subject))
        seen = seen + 1
      end
    end
    io.stdout:flush()
    known = exists
  end
end
M:logout()
