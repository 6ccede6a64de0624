-- The Lua API of smtplib beyond what the conformance pairs show. Globals
-- HOST, PORT (an in-process server with user USER / PASSWORD; a recipient
-- starting with "nobody" is refused, a message holding "VIRUS" too).
local smtplib = require("smtplib")

local function connect()
  return smtplib.SMTP(HOST, tonumber(PORT), {local_hostname = "client.example", timeout = 10})
end

local function raises(f, ...)
  local ok, e = pcall(f, ...)
  assert(not ok, "no error raised")
  return e
end

function TestClasses(t)
  t:eq(tostring(smtplib.SMTP), "<class 'smtplib.SMTP'>")
  t:eq(tostring(smtplib.SMTPDataError), "<class 'smtplib.SMTPDataError'>")
  t:eq(smtplib.SMTP_PORT, 25)
  t:eq(smtplib.SMTP_SSL_PORT, 465)
  t:eq(smtplib.LMTP_PORT, 2003)
  local e = smtplib.SMTPException("made by hand")
  t:eq(smtplib.SMTPException:is(e), true)
  t:eq(smtplib.OSError:is(e), true, "SMTPException is an OSError, as in Python")
  t:eq(smtplib.SMTPResponseException:is(e), false)
  t:eq(tostring(e), "SMTPException: made by hand")
end

function TestSendAndErrors(t)
  local s = connect()
  t:eq(s:login(USER, PASSWORD), 235)
  local refused = s:sendmail("a@example.org", {"nobody@example.org", "b@example.org"}, "Subject: x\n\nbody\n")
  t:eq(refused["nobody@example.org"][1], 550)
  t:eq(refused["nobody@example.org"][2], "5.1.1 no such user")
  local e = raises(s.sendmail, s, "a@example.org", "b@example.org", "VIRUS\r\n")
  t:eq(smtplib.SMTPDataError:is(e), true)
  t:eq(smtplib.SMTPResponseException:is(e), true)
  t:eq(smtplib.SMTPRecipientsRefused:is(e), false)
  t:eq(e.smtp_code, 554)
  t:eq(e.smtp_error, "5.7.1 infected")
  t:eq(e.args[1], 554)
  t:eq(tostring(e), "SMTPDataError: (554, b'5.7.1 infected')")
  e = raises(s.sendmail, s, "a@example.org", {"nobody1@example.org", "nobody2@example.org"}, "x")
  t:eq(smtplib.SMTPRecipientsRefused:is(e), true)
  t:eq(e.recipients["nobody2@example.org"][1], 550)
  t:eq(e.message, "{'nobody1@example.org': (550, b'5.1.1 no such user'), 'nobody2@example.org': (550, b'5.1.1 no such user')}")
  t:eq(s:quit(), 221)
end

function TestSendMessageObject(t)
  -- Any object with as_bytes() is sent, as an EmailMessage would be.
  local msg = {as_bytes = function(self) return "From: a@example.org\r\nTo: b@example.org\r\nBcc: c@example.org\r\n\r\nhi\r\n" end}
  local s = connect()
  s:login(USER, PASSWORD)
  t:eq(s:send_message(msg), {})
  local e = raises(s.send_message, s, 42)
  t:eq(tostring(e):find("msg must be a string", 1, true) ~= nil, true, tostring(e))
  s:quit()
end

function TestArguments(t)
  local s = connect()
  local e = raises(s.sendmail, s, "a@example.org")
  t:eq(tostring(e):find("missing required argument: 'msg'", 1, true) ~= nil, true, tostring(e))
  e = raises(s.login, s, "u", "p", {nosuch = true})
  t:eq(tostring(e):find("unexpected keyword argument 'nosuch'", 1, true) ~= nil, true, tostring(e))
  e = raises(smtplib.SMTP, HOST, tonumber(PORT), {timeout = 0})
  t:eq(smtplib.ValueError:is(e), true)
  e = raises(s.noop)
  t:eq(tostring(e):find("without an SMTP instance", 1, true) ~= nil, true, tostring(e))
  e = raises(function() s.does_esmtp = true end)
  t:eq(tostring(e):find("cannot be assigned", 1, true) ~= nil, true, tostring(e))
  s.mine = "kept"
  t:eq(s.mine, "kept")
  s:quit()
end

function TestConnectErrors(t)
  local e = raises(smtplib.SMTP, "127.0.0.1", 1, {timeout = 5})
  t:eq(smtplib.OSError:is(e), true, tostring(e))
  t:eq(smtplib.SMTPException:is(e), false, tostring(e))
end

function TestQuoteData(t)
  t:eq(smtplib.quotedata(".a\nb\r.c"), "..a\r\nb\r\n..c")
  t:eq(smtplib.quotedata("x\n"), "x\r\n")
  t:eq(smtplib.quoteaddr("Bob <b@example.org>"), "<b@example.org>")
end
