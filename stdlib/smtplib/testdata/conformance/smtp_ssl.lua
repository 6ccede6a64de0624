-- SMTP_SSL: implicit TLS; STARTTLS is then not offered.
local smtplib = require("smtplib")
local canon = require("canon")

local s = smtplib.SMTP_SSL(canon.HOST, canon.SMTPS_PORT, {local_hostname = canon.LOCAL, context = canon.context()})
canon.reply("ehlo", s:ehlo())
local ok, e = pcall(s.starttls, s, {context = canon.context()})
if not ok and smtplib.SMTPNotSupportedError:is(e) then
  canon.exc("starttls", e)
end
canon.reply("login", s:login(canon.USER, canon.PASSWORD))
canon.val("refused", s:sendmail(canon.addr("alice"), {canon.addr("bob"), canon.addr("nobody")}, "Subject: smtps\r\n\r\nx\r\n"))
canon.reply("quit", s:quit())
