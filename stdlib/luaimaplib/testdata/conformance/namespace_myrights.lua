-- NAMESPACE and MYRIGHTS.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
canon.res("namespace", M:namespace())
canon.res("myrights inbox", M:myrights("INBOX"))
canon.res("myrights readonly", M:myrights("Readonly"))
canon.res("myrights missing", M:myrights("Missing"))
M:logout()
