-- Commands in the wrong state raise IMAP4.error before anything is sent.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
for _, case in ipairs({
  {"select before login", function() return M:select() end},
  {"list before login", function() return M:list() end},
}) do
  local ok, e = pcall(case[2])
  if not ok then
    if not M.error:is(e) then error(e, 0) end
    canon.exc(case[1], e)
  end
end
M:login(canon.USER, canon.PASSWORD)
for _, case in ipairs({
  {"fetch before select", function() return M:fetch("1", "(FLAGS)") end},
  {"search before select", function() return M:search(nil, "ALL") end},
  {"login twice", function() return M:login(canon.USER, canon.PASSWORD) end},
  {"uid before select", function() return M:uid("FETCH", "1", "(FLAGS)") end},
  {"close before select", function() return M:close() end},
}) do
  local ok, e = pcall(case[2])
  if not ok then
    if not imaplib.IMAP4.error:is(e) then error(e, 0) end
    canon.exc(case[1], e)
  end
end
canon.text("state", M.state)
canon.res("noop", M:noop())
M:logout()
