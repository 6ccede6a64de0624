-- xatom for an extension command (ID), and the untagged data it leaves.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
canon.res("xatom id", M:xatom("ID", '("name" "conformance")'))
local typ, data = M:response("ID")
canon.text("typ", typ)
canon.val("items", #data)
canon.val("has name", data[1]:find('"name" "Dovecot"', 1, true) ~= nil)
canon.res("xatom nil", M:xatom("ID", "NIL"))
M:login(canon.USER, canon.PASSWORD)
local ok, e = pcall(M.xatom, M, "XNOSUCH")
if not ok then
  if not M.error:is(e) then error(e, 0) end
  canon.exc("unknown", e)
end
M:logout()
