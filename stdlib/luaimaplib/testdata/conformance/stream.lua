-- IMAP4_stream: a preauthenticated session over a program's stdin/stdout.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4_stream(canon.STREAM)
canon.text("state", M.state)
canon.text("welcome", M.welcome)
canon.val("host", M.host)
canon.res("select", M:select("Archive"))
canon.res("fetch", M:fetch("1", "(FLAGS BODY.PEEK[TEXT])"))
canon.res("logout", M:logout())
