-- A refused LOGIN raises IMAP4.error with the server's text.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
local ok, e = pcall(M.login, M, canon.USER, "wrong password")
if not ok then
  if not M.error:is(e) then error(e, 0) end
  canon.exc("login", e)
  canon.val("is abort", M.abort:is(e))
end
canon.text("state", M.state)
canon.res("login again", M:login(canon.USER, canon.PASSWORD))
canon.res("logout", M:logout())
