-- FETCH of flags, UIDs and sizes; ParseFlags on the lines.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
M:select()
local typ, data = M:fetch("1:*", "(UID FLAGS RFC822.SIZE)")
canon.res("fetch", typ, data)
for _, line in ipairs(data) do
  canon.val("flags", imaplib.ParseFlags(line))
end
canon.res("one", M:fetch("2", "FLAGS"))
local ok, e = pcall(M.fetch, M, "99", "(FLAGS)")
if not ok then
  if not M.error:is(e) then error(e, 0) end
  canon.exc("missing", e)
end
M:logout()
