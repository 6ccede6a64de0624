-- STATUS of several mailboxes and items.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
canon.res("inbox", M:status("INBOX", "(MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)"))
canon.res("archive", M:status("Archive", "(MESSAGES UNSEEN)"))
canon.res("nested", M:status("Lists/golang", "(MESSAGES)"))
canon.res("missing", M:status("Missing", "(MESSAGES)"))
M:logout()
