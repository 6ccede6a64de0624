-- LOGIN sends the password quoted, so quotes, backslashes and spaces work.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
canon.res("login", M:login(canon.USER2, canon.PASSWORD2))
canon.res("list", M:list('""', "INBOX"))
M:logout()
