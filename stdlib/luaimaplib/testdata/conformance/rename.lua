-- RENAME of a mailbox with messages, and of one that does not exist.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
canon.res("rename", M:rename("Archive", "Archive2023"))
canon.res("status", M:status("Archive2023", "(MESSAGES)"))
canon.res("list", M:list('""', "Archive*"))
canon.res("rename missing", M:rename("Nope", "Nope2"))
canon.res("rename back", M:rename({oldmailbox = "Archive2023", newmailbox = "Archive"}))
M:logout()
