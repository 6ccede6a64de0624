-- The context manager: QUIT at the end, also when the body raises.
local smtplib = require("smtplib")
local canon = require("canon")

local s = smtplib.SMTP(canon.HOST, canon.PORT, {local_hostname = canon.LOCAL})
smtplib.with(s, function(s)
  canon.reply("noop", s:noop())
end)
local ok, e = pcall(s.noop, s)
if not ok and smtplib.SMTPServerDisconnected:is(e) then canon.exc("after with", e) end
ok, e = pcall(smtplib.with, smtplib.SMTP(canon.HOST, canon.PORT, {local_hostname = canon.LOCAL}), function(s)
  s:sendmail(canon.addr("bob"), {canon.addr("nobody")}, "x\r\n")
end)
if not ok and smtplib.SMTPRecipientsRefused:is(e) then canon.exc("raised through with", e) end
