-- FETCH of whole messages: (line, literal) tuples and the closing b')'.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
M:select("INBOX", {readonly = true})
canon.res("rfc822", M:fetch("1", "(RFC822)"))
canon.res("two", M:fetch("1:2", "(BODY.PEEK[])"))
local typ, data = M:fetch("4", "(RFC822)")
canon.val("header", data[1][1])
canon.val("body", data[1][2])
canon.val("end", data[2])
M:logout()
