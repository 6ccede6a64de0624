-- STARTTLS with an ssl_context, the capabilities read again, and a second
-- STARTTLS refused.
local imaplib = require("imaplib")
local ssl = require("ssl")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
local offered = false
for _, c in ipairs(M.capabilities) do offered = offered or c == "STARTTLS" end
canon.val("STARTTLS offered", offered)
local ctx = ssl.create_default_context({cafile = canon.CAFILE})
canon.res("starttls", M:starttls({ssl_context = ctx}))
canon.words("capabilities", M.capabilities)
local ok, e = pcall(M.starttls, M, ctx)
if not ok then
  if not M.abort:is(e) then error(e, 0) end
  canon.exc("again", e)
end
canon.res("login", M:login(canon.USER, canon.PASSWORD))
canon.res("select", M:select())
M:logout()
