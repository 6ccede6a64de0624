-- The instance as a context manager logs out on exit, also on an error.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
imaplib.with(M, function(M)
  M:login(canon.USER, canon.PASSWORD)
  canon.res("select", M:select())
end)
canon.text("state after", M.state)

local M2 = imaplib.IMAP4(canon.HOST, canon.PORT)
local ok, e = pcall(imaplib.with, M2, function(M2)
  M2:login(canon.USER, canon.PASSWORD)
  M2:fetch("1", "(FLAGS)")
end)
if not ok then
  if not M2.error:is(e) then error(e, 0) end
  canon.exc("inside", e)
end
canon.text("state after error", M2.state)

local M3 = imaplib.IMAP4(canon.HOST, canon.PORT)
imaplib.with(M3, function(M3)
  M3:login(canon.USER, canon.PASSWORD)
  canon.res("logout inside", M3:logout())
end)
canon.text("state after logout", M3.state)
