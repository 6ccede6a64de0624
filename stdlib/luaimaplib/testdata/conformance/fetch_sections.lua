-- FETCH of several body sections at once: several literals in one response.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
M:select()
canon.res("sections", M:fetch("3", "(UID BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)] BODY.PEEK[1] BODY.PEEK[2.MIME])"))
canon.res("partial", M:fetch("1", "(BODY.PEEK[TEXT]<0.5>)"))
canon.res("header", M:fetch("2", "(RFC822.HEADER)"))
canon.res("seen now", M:fetch("2", "(FLAGS)"))
canon.res("text", M:fetch("2", "(BODY[TEXT])"))
canon.res("seen after", M:fetch("2", "(FLAGS)"))
M:logout()
