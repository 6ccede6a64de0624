-- After QUIT: SMTPServerDisconnected; connect() again works.
local smtplib = require("smtplib")
local canon = require("canon")

local s = smtplib.SMTP(canon.HOST, canon.PORT, {local_hostname = canon.LOCAL})
canon.reply("quit", s:quit())
local ok, e = pcall(s.noop, s)
if not ok and smtplib.SMTPServerDisconnected:is(e) then
  canon.exc("noop after quit", e)
  canon.val("is SMTPException", smtplib.SMTPException:is(e))
end
canon.reply("connect", s:connect(canon.HOST, canon.PORT))
canon.reply("noop", s:noop())
s:close()
ok, e = pcall(s.ehlo, s)
if not ok and smtplib.SMTPServerDisconnected:is(e) then canon.exc("ehlo after close", e) end
local t = smtplib.SMTP(nil, nil, {local_hostname = canon.LOCAL})
ok, e = pcall(t.noop, t)
if not ok and smtplib.SMTPServerDisconnected:is(e) then canon.exc("never connected", e) end
