-- Submission: no AUTH before STARTTLS, MAIL refused before it; STARTTLS
-- with a verified certificate, EHLO again, login, send.
local smtplib = require("smtplib")
local canon = require("canon")

local s = smtplib.SMTP(canon.HOST, canon.SUBMISSION_PORT, {local_hostname = canon.LOCAL})
s:ehlo()
canon.val("auth before tls", s:has_extn("auth"))
canon.val("starttls offered", s:has_extn("starttls"))
local ok, e = pcall(s.sendmail, s, canon.addr("alice"), {canon.addr("bob")}, "Subject: plain\r\n\r\nx\r\n")
if not ok and smtplib.SMTPSenderRefused:is(e) then
  canon.exc("send before tls", e)
  canon.val("sender", canon.str(e.sender))
end
canon.reply("starttls", s:starttls({context = canon.context()}))
canon.val("ehlo_resp after starttls", s.ehlo_resp)
canon.val("features after starttls", s.esmtp_features)
canon.reply("ehlo", s:ehlo())
canon.val("auth after tls", canon.str(s.esmtp_features["auth"]))
canon.reply("login", s:login(canon.USER, canon.PASSWORD))
canon.val("refused", s:sendmail(canon.addr("alice"), {canon.addr("bob")}, "Subject: over tls\r\n\r\nx\r\n"))
canon.reply("quit", s:quit())
