-- Arguments are sent as given: an explicit "" goes out empty (and the
-- server refuses it); only nil (None) means the default.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)

local function run(label, call)
  local ok, typ, data = pcall(call)
  if ok then
    canon.res(label, typ, data)
  elseif M.abort:is(typ) then
    canon.text(label, "abort")
  elseif M.error:is(typ) then
    canon.exc(label, typ)
  else
    error(typ, 0)
  end
end

run('list "", %', function() return M:list("", "%") end)
run("list '\"\"', \"\"", function() return M:list('""', "") end)
-- An omitted argument takes the default (nil in Lua).
run("list default, %", function() return M:list(nil, "%") end)
run('lsub "", *', function() return M:lsub("", "*") end)
run('status "", (MESSAGES)', function() return M:status("", "(MESSAGES)") end)
run('select ""', function() return M:select("") end)
canon.text("state", M.state)
run("select default", function() return M:select(nil) end)
run('search "", ALL', function() return M:search("", "ALL") end)
run('search None, ""', function() return M:search(nil, "") end)
run('sort (DATE), "", ALL', function() return M:sort("(DATE)", "", "ALL") end)
run("sort (DATE), None, ALL", function() return M:sort("(DATE)", nil, "ALL") end)
run("sort (DATE), UTF-8, ALL", function() return M:sort("(DATE)", "UTF-8", "ALL") end)
run('thread REFERENCES, "", ALL', function() return M:thread("REFERENCES", "", "ALL") end)
run("thread REFERENCES, UTF-8, ALL", function() return M:thread("REFERENCES", "UTF-8", "ALL") end)
run('fetch "", (FLAGS)', function() return M:fetch("", "(FLAGS)") end)
run('uid SEARCH ""', function() return M:uid("SEARCH", "") end)
run('copy 1, ""', function() return M:copy("1", "") end)
run('create ""', function() return M:create("") end)
run('getacl ""', function() return M:getacl("") end)
M:logout()
