-- Constructor arguments: keywords, timeout, the refused timeout=0, shutdown().
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4({host = canon.HOST, port = canon.PORT, timeout = 30})
canon.text("host", M.host)
canon.val("port", M.port == canon.PORT)
canon.val("debug", M.debug)
canon.val("utf8_enabled", M.utf8_enabled)
canon.res("login", M:login(canon.USER, canon.PASSWORD))
M:shutdown()
local ok, e = pcall(M.noop, M)
if not ok then
  if not (M.abort:is(e) or imaplib.OSError:is(e)) then error(e, 0) end
  canon.text("after shutdown", "raised")
end
ok, e = pcall(imaplib.IMAP4, canon.HOST, canon.PORT, 0)
if not ok then
  if not imaplib.ValueError:is(e) then error(e, 0) end
  canon.exc("timeout=0", e)
end
canon.val("IMAP4_PORT", imaplib.IMAP4_PORT)
canon.val("IMAP4_SSL_PORT", imaplib.IMAP4_SSL_PORT)
ok, e = pcall(imaplib.IMAP4, canon.HOST, 1)
if not ok then
  if not imaplib.OSError:is(e) then error(e, 0) end
  canon.text("refused", "OSError")
end
