-- M.literal: the next command carries it as a literal, then it is reset
-- (also when the command is refused for its state); APPEND replaces it
-- with the message.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
canon.val("initial", M.literal)
M.literal = "x"
local ok, e = pcall(M.search, M, "UTF-8", "SUBJECT")
if not ok then
  if not M.error:is(e) then error(e, 0) end
  canon.exc("refused in AUTH", e)
end
canon.val("after refusal", M.literal)
M.literal = "INBOX"
canon.val("set", M.literal)
canon.res("xatom EXAMINE", M:xatom("EXAMINE"))
canon.val("after xatom", M.literal)
M:select()
M.literal = "Grüße"
canon.res("search", M:search("UTF-8", "SUBJECT"))
canon.val("after search", M.literal)
canon.res("search again", M:search(nil, "SUBJECT", "Hello"))
M.literal = "Grüße"
canon.res("uid search", M:uid("SEARCH", "CHARSET", "UTF-8", "SUBJECT"))
M.literal = "ignored"
canon.res("append", M:append("Archive", nil, nil, "Subject: lit\r\n\r\nbody\r\n"))
canon.val("after append", M.literal)
canon.res("status", M:status("Archive", "(MESSAGES)"))
M.literal = "x"
M.literal = nil
canon.res("noop", M:noop())
M:logout()
