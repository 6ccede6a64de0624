-- Every method after LOGOUT: the state check comes first (IMAP4.error
-- "command X illegal in state LOGOUT"), and only the commands allowed in
-- that state find the closed connection (IMAP4.abort, whose message
-- depends on the socket, so only the class is printed). IDLE (Python
-- 3.14) is in idle_states.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
M:select()
canon.res("logout", M:logout())
canon.text("state", M.state)

local CASES = {
  {"append", function() return M:append("INBOX", nil, nil, "Subject: x\r\n\r\nx\r\n") end},
  {"authenticate", function() return M:authenticate("PLAIN", function(c) return "\0u\0p" end) end},
  {"capability", function() return M:capability() end},
  {"check", function() return M:check() end},
  {"close", function() return M:close() end},
  {"copy", function() return M:copy("1", "Archive") end},
  {"create", function() return M:create("New") end},
  {"delete", function() return M:delete("New") end},
  {"deleteacl", function() return M:deleteacl("INBOX", "bob") end},
  {"enable", function() return M:enable("UTF8=ACCEPT") end},
  {"expunge", function() return M:expunge() end},
  {"fetch", function() return M:fetch("1", "(FLAGS)") end},
  {"getacl", function() return M:getacl("INBOX") end},
  {"getannotation", function() return M:getannotation("INBOX", "/comment", "value") end},
  {"getquota", function() return M:getquota("") end},
  {"getquotaroot", function() return M:getquotaroot("INBOX") end},
  {"list", function() return M:list() end},
  {"login", function() return M:login(canon.USER, canon.PASSWORD) end},
  {"login_cram_md5", function() return M:login_cram_md5(canon.USER, canon.PASSWORD) end},
  {"logout", function() return M:logout() end},
  {"lsub", function() return M:lsub() end},
  {"myrights", function() return M:myrights("INBOX") end},
  {"namespace", function() return M:namespace() end},
  {"noop", function() return M:noop() end},
  {"partial", function() return M:partial("1", "BODY[]", "0", "10") end},
  {"proxyauth", function() return M:proxyauth("bob") end},
  {"recent", function() return M:recent() end},
  {"rename", function() return M:rename("Archive", "Old") end},
  {"response", function() return M:response("UIDVALIDITY") end},
  {"search", function() return M:search(nil, "ALL") end},
  {"select", function() return M:select() end},
  {"setacl", function() return M:setacl("INBOX", "bob", "lr") end},
  {"setannotation", function() return M:setannotation("INBOX", "/comment", '("value.priv" "x")') end},
  {"setquota", function() return M:setquota("", "(STORAGE 100)") end},
  {"sort", function() return M:sort("(DATE)", "UTF-8", "ALL") end},
  {"starttls", function() return M:starttls() end},
  {"status", function() return M:status("INBOX", "(MESSAGES)") end},
  {"store", function() return M:store("1", "+FLAGS", "\\Seen") end},
  {"subscribe", function() return M:subscribe("Archive") end},
  {"thread", function() return M:thread("REFERENCES", "UTF-8", "ALL") end},
  {"uid", function() return M:uid("FETCH", "1", "(FLAGS)") end},
  {"unselect", function() return M:unselect() end},
  {"unsubscribe", function() return M:unsubscribe("Archive") end},
  {"xatom", function() return M:xatom("XNOOP") end},
}

for _, case in ipairs(CASES) do
  local label = case[1]
  local ok, typ, data = pcall(case[2])
  if ok then
    if typ ~= nil then
      canon.res(label, typ, data)
    else
      canon.text(label, "returned")
    end
  elseif M.abort:is(typ) then
    canon.text(label, "abort")
  elseif M.error:is(typ) then
    canon.exc(label, typ)
  else
    error(typ, 0)
  end
end
canon.text("state", M.state)
