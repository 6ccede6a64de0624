-- The Lua API of imaplib beyond what the conformance pairs show. Globals
-- HOST, PORT, USER, PASSWORD (an in-process server with INBOX holding 3
-- messages and Big holding one of 128 KiB whose body is BIG).
local imaplib = require("imaplib")

local function connect()
  local M = imaplib.IMAP4(HOST, tonumber(PORT))
  M:login(USER, PASSWORD)
  return M
end

local function raises(f, ...)
  local ok, e = pcall(f, ...)
  assert(not ok, "no error raised")
  return e
end

function TestNone(t)
  t:eq(tostring(imaplib.None), "None")
  t:eq(imaplib.None, require("json").null, "imaplib.None is the shared null")
  local M = connect()
  local typ, data = M:response("NOTHING")
  t:eq(typ, "NOTHING")
  t:eq(#data, 1)
  t:eq(data[1] == imaplib.None, true)
  M:logout()
end

function TestArguments(t)
  local M = connect()
  local e = raises(M.list, M, {patern = "*"})
  t:eq(tostring(e):find("unexpected keyword argument 'patern'", 1, true) ~= nil, true, tostring(e))
  e = raises(M.select, M, "INBOX", false, "extra")
  t:eq(tostring(e):find("takes 2 positional arguments but 3 were given", 1, true) ~= nil, true, tostring(e))
  e = raises(M.login, M, "only user")
  t:eq(tostring(e):find("missing required argument: 'password'", 1, true) ~= nil, true, tostring(e))
  -- an empty table is the keyword table: select() with the defaults
  t:eq({M:select({})}, {"OK", {"3"}})
  local typ, data = M:select({mailbox = "INBOX", readonly = 1})
  t:eq({typ, data[1], M.is_readonly}, {"OK", "3", true})
  -- numbers are accepted where Python wants a string
  typ, data = M:fetch(2, "(UID)")
  t:eq(data, {"2 (UID 2)"})
  -- Python's truthiness for flags: 0 is false
  M:select("INBOX", 0)
  t:eq(M.is_readonly, false)
  M:logout()
end

function TestErrorClasses(t)
  local E, A, R = imaplib.IMAP4.error, imaplib.IMAP4.abort, imaplib.IMAP4.readonly
  t:eq({E.name, A.name, R.name, imaplib.ValueError.name}, {"error", "abort", "readonly", "ValueError"})
  t:eq(imaplib.IMAP4_SSL.abort, A, "the classes are shared by the three constructors")
  t:eq(tostring(A), "<class 'imaplib.IMAP4.abort'>")
  local r = R("gone read-only")
  t:eq(tostring(r), "imaplib.IMAP4.readonly: gone read-only")
  t:eq({r.message, r.args[1], r.class == R}, {"gone read-only", "gone read-only", true})
  t:eq({E:is(r), A:is(r), R:is(r), imaplib.ValueError:is(r)}, {true, true, true, false})
  local a = A("x")
  t:eq({E:is(a), A:is(a), R:is(a)}, {true, true, false})
  t:eq({E:is("a string"), E:is(nil), E:is({class = E})}, {false, false, false})
  -- raised and caught as a value
  local ok, e = pcall(error, a)
  t:eq(e, a)
  local M = connect()
  t:eq({M.error, M.abort, M.readonly}, {E, A, R}, "reachable from an instance")
  e = raises(M.fetch, M, "1", "(FLAGS)")
  t:eq({e.class, e.message}, {E, "command FETCH illegal in state AUTH, only allowed in states SELECTED"})
  M:logout()
end

function TestAttributes(t)
  local M = imaplib.IMAP4(HOST, tonumber(PORT))
  t:eq(M.SELECT, M.select, "upper-case alias")
  t:eq(M.LOGIN, M.login)
  t:eq(M.MOVE, nil, "Python has no move()")
  t:eq(M.login_cram_md5 ~= nil, true)
  t:eq(M.state, "NONAUTH")
  t:eq(type(M.capabilities), "table")
  t:eq(M.host, HOST)
  t:eq(M.port, tonumber(PORT))
  M.my_note = "kept"
  t:eq(M.my_note, "kept")
  M.debug = 3
  t:eq(M.debug, 3)
  local e = raises(function() M.state = "AUTH" end)
  t:eq(tostring(e):find("cannot be assigned", 1, true) ~= nil, true, tostring(e))
  t:eq(tostring(M):find("imaplib.IMAP4", 1, true) ~= nil, true, tostring(M))
  M:logout()
end

function TestLargeLiteral(t)
  local M = connect()
  M:select("Big")
  local typ, data = M:fetch("1", "(BODY.PEEK[TEXT])")
  t:eq(#data[1][2], #BIG)
  t:eq(data[1][2] == BIG, true, "the body arrives whole")
  -- later commands leave the string alone
  local first = data[1][2]
  M:fetch("1", "(BODY.PEEK[TEXT])")
  t:eq(first == BIG, true)
  M:logout()
end

function TestWithReraisesTheSameValue(t)
  local M = connect()
  local sentinel = {}
  local ok, e = pcall(imaplib.with, M, function(M) error(sentinel) end)
  t:eq(ok, false)
  t:eq(e == sentinel, true, "the error passes through unchanged")
  t:eq(M.state, "LOGOUT")
  M = connect()
  t:eq({imaplib.with(M, function(M) return 1, 2 end)}, {1, 2}, "results pass through")
end

function TestIdle(t)
  local M = connect()
  M:select("INBOX")
  -- a short duration ends the loop; DONE is sent at its end
  local n = 0
  for typ, data in M:idle(0.05):iter() do n = n + 1 end
  t:eq({n, M.state}, {0, "SELECTED"})
  -- the idler itself is callable as an iterator
  for typ, data in M:idle(0.05) do n = n + 1 end
  t:eq(M.state, "SELECTED")
  -- an error in the callback form: DONE is sent, the error comes through
  local ok, e = pcall(M.idle, M, 10, function(idler)
    t:eq(M.state, "IDLING")
    error("stop here")
  end)
  t:eq(ok, false)
  t:eq(tostring(e):find("stop here", 1, true) ~= nil, true, tostring(e))
  t:eq(M.state, "SELECTED")
  -- an idler left open (break, error) is ended by the next command
  local idler = M:idle(10)
  t:eq(M.state, "IDLING")
  local typ = M:noop()
  t:eq({typ, M.state}, {"OK", "SELECTED"})
  t:eq(idler(), nil, "a closed idler yields nothing")
  -- with() on an idler ends it
  imaplib.with(M:idle(10), function(idler) t:eq(M.state, "IDLING") end)
  t:eq(M.state, "SELECTED")
  -- burst over nothing: interval 0 takes what already arrived
  local count = 0
  imaplib.with(M:idle(0.05), function(idler)
    for typ, data in idler:burst(0) do count = count + 1 end
  end)
  t:eq(count, 0)
  M:logout()
end

function TestTime2Internaldate(t)
  t:eq(imaplib.Time2Internaldate({year = 2024, month = 3, day = 1, hour = 10, min = 0, sec = 0, gmtoff = 3600}),
    '"01-Mar-2024 10:00:00 +0100"', "gmtoff gives the offset")
  t:eq(imaplib.Time2Internaldate({year = 2024, month = 3, day = 1, hour = 10, min = 0, sec = 0, gmtoff = -19800}),
    '"01-Mar-2024 10:00:00 -0530"')
  local e = raises(imaplib.Time2Internaldate, {year = 2024})
  t:eq(imaplib.ValueError:is(e), true, tostring(e))
  e = raises(imaplib.Time2Internaldate, true)
  t:eq(imaplib.ValueError:is(e), true, tostring(e))
  local tt = imaplib.Internaldate2tuple('1 (INTERNALDATE "01-Jan-2000 00:00:00 +0000")')
  t:eq(os.time(tt), 946684800, "the tuple is os.time's local time table")
end
