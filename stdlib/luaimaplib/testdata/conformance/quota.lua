-- GETQUOTAROOT (two lists), GETQUOTA and SETQUOTA.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
local typ, data = M:getquotaroot("INBOX")
canon.res("getquotaroot", typ, data)
canon.val("roots", data[1])
canon.val("quotas", data[2])
canon.res("getquota", M:getquota('"User quota"'))
canon.res("getquota missing", M:getquota('"No quota"'))
canon.res("setquota", M:setquota('"User quota"', "(STORAGE 1000)"))
M:logout()
