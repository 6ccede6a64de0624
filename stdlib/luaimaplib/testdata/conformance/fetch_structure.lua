-- FETCH of ENVELOPE, BODYSTRUCTURE and INTERNALDATE; Internaldate2tuple.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
M:select()
canon.res("envelope", M:fetch("1", "(ENVELOPE)"))
canon.res("bodystructure", M:fetch("3", "(BODYSTRUCTURE)"))
canon.res("body", M:fetch("4", "(BODY)"))
local typ, data = M:fetch("1:3", "(INTERNALDATE)")
canon.res("internaldate", typ, data)
for _, line in ipairs(data) do
  canon.ttuple("tuple", imaplib.Internaldate2tuple(line))
end
M:logout()
