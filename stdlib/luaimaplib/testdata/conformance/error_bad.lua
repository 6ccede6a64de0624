-- A tagged BAD raises IMAP4.error; unknown UID commands too; NO does not raise.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
M:select()
for _, case in ipairs({
  {"bad fetch item", function() return M:fetch("1", "(BOGUS)") end},
  {"bad search", function() return M:search(nil, "FROBNICATE") end},
  {"bad sequence", function() return M:store("x", "+FLAGS", "\\Seen") end},
  {"unknown uid command", function() return M:uid("FROB", "1") end},
  {"bad status item", function() return M:status("INBOX", "(BOGUS)") end},
}) do
  local ok, typ, data = pcall(case[2])
  if ok then
    canon.res(case[1], typ, data)
  elseif M.error:is(typ) then
    canon.exc(case[1], typ)
    canon.val("abort?", M.abort:is(typ))
  else
    error(typ, 0)
  end
end
canon.res("select missing", M:select("Missing"))
canon.text("state", M.state)
M:logout()
