-- IDLE (new in Python 3.14): responses pushed while idling, with a duration
-- and with burst(); leaving the context sends DONE.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
M:select("Archive")
local M2 = imaplib.IMAP4(canon.HOST, canon.PORT)
M2:login(canon.USER, canon.PASSWORD)
imaplib.with(M:idle({duration = 2}), function(idler)
  canon.text("state", M.state)
  M2:append("Archive", nil, nil, "Subject: pushed\r\n\r\nhello\r\n")
  for typ, data in idler:iter() do
    canon.res("pushed", typ, data)
  end
end)
canon.text("state after", M.state)
imaplib.with(M:idle(), function(idler)
  M2:select("Archive")
  M2:store("1", "+FLAGS", "\\Flagged")
  for typ, data in idler:burst() do
    canon.res("burst", typ, data)
  end
end)
canon.res("noop", M:noop())
canon.res("fetch", M:fetch("4", "(FLAGS BODY.PEEK[TEXT])"))
M2:logout()
M:logout()
