-- After a READ-ONLY response for a mailbox selected writable, the next
-- command raises IMAP4.readonly without being sent.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
local ok, e = pcall(M.select, M, "Readonly")
if not ok and not M.readonly:is(e) then error(e, 0) end
ok, e = pcall(M.noop, M)
if not ok then
  if not M.abort:is(e) then error(e, 0) end
  canon.exc("noop", e)
  canon.val("readonly", M.readonly:is(e))
end
canon.res("select again", M:select("Archive"))
canon.res("noop", M:noop())
M:logout()
