-- SORT and THREAD, plain and through uid().
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
local has = {}
for _, c in ipairs(M.capabilities) do
  if c:sub(1, 4) == "SORT" or c:sub(1, 6) == "THREAD" then has[#has + 1] = c end
end
canon.words("has", has)
canon.res("capability", M:capability())
M:select()
canon.res("sort subject", M:sort("SUBJECT", "UTF-8", "ALL"))
canon.res("sort reverse date", M:sort("(REVERSE ARRIVAL)", "UTF-8", "ALL"))
canon.res("sort size", M:sort("SIZE", "US-ASCII", "SEEN"))
canon.res("uid sort", M:uid("SORT", "(FROM)", "UTF-8", "ALL"))
M:select("Lists/golang")
canon.res("thread refs", M:thread("REFERENCES", "UTF-8", "ALL"))
canon.res("thread subject", M:thread("ORDEREDSUBJECT", "UTF-8", "ALL"))
canon.res("uid thread", M:uid("THREAD", "REFERENCES", "UTF-8", "ALL"))
M:logout()
