-- CR, LF or NUL in an argument raise ValueError before anything is sent
-- (Python 3.14, CVE-2025-15366); the session goes on.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
for _, case in ipairs({
  {"create", function() return M:create("Evil\r\nA1 DELETE INBOX") end},
  {"status", function() return M:status("INBOX", "(MESSAGES)\n") end},
  {"nul", function() return M:subscribe("a\0b") end},
}) do
  local ok, e = pcall(case[2])
  if not ok then
    if not imaplib.ValueError:is(e) then error(e, 0) end
    canon.exc(case[1], e)
  end
end
M:select()
local ok, e = pcall(M.search, M, nil, "SUBJECT", '"x\r\ny"')
if not ok then
  if not imaplib.ValueError:is(e) then error(e, 0) end
  canon.exc("search", e)
end
canon.res("noop", M:noop())
canon.res("list", M:list('""', "Evil*"))
M:logout()
