-- Commands Dovecot does not know: the tagged BAD is IMAP4.error.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
M:select()
for _, case in ipairs({
  {"getannotation", function() return M:getannotation("INBOX", '"/comment"', '"value.priv"') end},
  {"setannotation", function() return M:setannotation("INBOX", '"/comment"', '("value.priv" "hi")') end},
  {"partial", function() return M:partial("1", "BODY[TEXT]", "0", "10") end},
  {"proxyauth", function() return M:proxyauth("bob") end},
}) do
  local label, call = case[1], case[2]
  local ok, typ, data = pcall(call)
  if ok then
    canon.res(label, typ, data)
  elseif M.error:is(typ) then
    canon.exc(label, typ)
  else
    error(typ, 0)
  end
end
canon.res("still usable", M:noop())
M:logout()
