-- UNSELECT, RECENT, and untagged_responses as a dictionary.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
M:select("Archive")
canon.val("untagged", M.untagged_responses)
canon.res("recent", M:recent())
canon.res("recent again", M:recent())
canon.res("unselect", M:unselect())
canon.text("state", M.state)
canon.val("untagged after", M.untagged_responses)
M:logout()
