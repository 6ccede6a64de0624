-- The server drops the connection (doveadm kick): the next command raises
-- IMAP4.abort, and every later one too.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
M:select()
assert(os.execute(canon.KICK .. " >/dev/null") == 0)
local ok, e = pcall(M.noop, M)
if not ok then
  if not M.abort:is(e) then error(e, 0) end
  -- Only the class: whether the client reads the server's BYE or finds
  -- the socket closed first depends on timing, and so does the message.
  canon.text("noop", e.class.name)
  canon.val("error too", imaplib.IMAP4.error:is(e))
end
-- The connection is unusable from now on. (The message differs on purpose:
-- Python writes to the dead socket and reports the broken pipe, the Lua
-- module refuses at once with "connection closed after: ...".)
ok, e = pcall(M.noop, M)
if not ok then
  if not M.abort:is(e) then error(e, 0) end
  canon.text("noop again", e.class.name)
end
local M2 = imaplib.IMAP4(canon.HOST, canon.PORT)
canon.res("new connection", M2:login(canon.USER, canon.PASSWORD))
M2:logout()
