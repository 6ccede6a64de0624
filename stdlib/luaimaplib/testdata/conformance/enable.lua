-- ENABLE: what the server turned on, and ENABLE in the wrong state.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
local ok, e = pcall(M.enable, M, "CONDSTORE")
if not ok then
  if not M.error:is(e) then error(e, 0) end
  canon.exc("before login", e)
end
M:login(canon.USER, canon.PASSWORD)
canon.res("enable", M:enable("CONDSTORE"))
canon.res("ENABLED", M:response("ENABLED"))
canon.res("enable unknown", M:enable("X-NOTHING"))
canon.res("ENABLED", M:response("ENABLED"))
canon.val("utf8_enabled", M.utf8_enabled)
canon.res("select", M:select())
canon.res("HIGHESTMODSEQ", M:response("HIGHESTMODSEQ"))
canon.res("fetch modseq", M:fetch("1", "(MODSEQ)"))
M:logout()
