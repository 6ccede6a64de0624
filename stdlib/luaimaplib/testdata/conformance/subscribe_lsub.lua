-- SUBSCRIBE, LSUB and UNSUBSCRIBE.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
canon.res("lsub empty", M:lsub())
canon.res("subscribe", M:subscribe("Archive"))
canon.res("subscribe", M:subscribe("Lists/golang"))
canon.res("lsub", M:lsub())
canon.res("lsub pattern", M:lsub('""', "Lists/*"))
canon.res("unsubscribe", M:unsubscribe("Archive"))
canon.res("lsub after", M:lsub())
M:logout()
