-- IMAP4_SSL with an ssl_context: verified against the server's CA file,
-- refused without it, and unverified on request.
local imaplib = require("imaplib")
local ssl = require("ssl")
local canon = require("canon")

local ctx = ssl.create_default_context({cafile = canon.CAFILE})
canon.val("check_hostname", ctx.check_hostname)
canon.val("verify_mode", ctx.verify_mode == ssl.CERT_REQUIRED)
local M = imaplib.IMAP4_SSL(canon.HOST, canon.SSL_PORT, {ssl_context = ctx})
canon.text("state", M.state)
canon.res("login", M:login(canon.USER, canon.PASSWORD))
canon.res("select", M:select())
canon.res("logout", M:logout())

local ok, e = pcall(imaplib.IMAP4_SSL, canon.HOST, canon.SSL_PORT, {ssl_context = ssl.create_default_context()})
if not ok then
  if not imaplib.OSError:is(e) then error(e, 0) end
  canon.text("unknown CA", "OSError")
end

ctx = ssl.create_default_context()
ctx.check_hostname = false
ctx.verify_mode = ssl.CERT_NONE
M = imaplib.IMAP4_SSL({host = canon.HOST, port = canon.SSL_PORT, ssl_context = ctx, timeout = 30})
canon.res("unverified login", M:login(canon.USER, canon.PASSWORD))
M:logout()
