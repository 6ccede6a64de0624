-- SEARCH with None and a charset, several criteria, no match.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
M:select()
canon.res("all", M:search(nil, "ALL"))
canon.res("unseen", M:search(nil, "UNSEEN"))
canon.res("from", M:search(nil, "FROM", '"bob@example.org"'))
canon.res("two criteria", M:search(nil, "SEEN", "SINCE", "2-Mar-2024"))
canon.res("or", M:search(imaplib.None, "(OR FLAGGED ANSWERED)"))
canon.res("charset", M:search("UTF-8", "SUBJECT", "Invoice"))
canon.res("none", M:search(nil, "SUBJECT", '"no such subject"'))
canon.res("deleted", M:search(nil, "DELETED"))
local typ, data = M:search(nil, "ALL")
for num in data[1]:gmatch("%S+") do
  canon.val("num", num)
end
M:logout()
