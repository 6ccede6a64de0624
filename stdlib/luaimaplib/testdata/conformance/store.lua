-- STORE: adding, removing and replacing flags, silently or not.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
M:select()
canon.res("+flags", M:store("1", "+FLAGS", "\\Flagged"))
canon.res("-flags", M:store("1:2", "-FLAGS", "(\\Flagged \\Seen)"))
canon.res("flags", M:store("3", "FLAGS", "(\\Seen Work)"))
canon.res("silent", M:store("4", "+FLAGS.SILENT", "\\Answered"))
canon.res("keyword", M:store("4", "+FLAGS", "Later"))
canon.res("after", M:fetch("1:4", "(FLAGS)"))
local ok, e = pcall(M.store, M, "1", "+FLAGS", "\\Bogus")
if not ok then
  if not M.error:is(e) then error(e, 0) end
  canon.exc("bad", e)
end
M:logout()
