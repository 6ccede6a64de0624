-- CAPABILITY and NOOP in every state, and the upper-case aliases.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
canon.res("capability", M:capability())
canon.res("noop nonauth", M:noop())
M:login(canon.USER, canon.PASSWORD)
canon.res("CAPABILITY", M:CAPABILITY())
canon.res("NOOP auth", M:NOOP())
M:SELECT("INBOX")
canon.res("noop selected", M:noop())
canon.res("logout", M:LOGOUT())
