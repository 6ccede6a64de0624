-- Submission after STARTTLS but without login: recipients refused.
local smtplib = require("smtplib")
local canon = require("canon")

local s = smtplib.SMTP(canon.HOST, canon.SUBMISSION_PORT, {local_hostname = canon.LOCAL})
s:starttls({context = canon.context()})
local ok, e = pcall(s.sendmail, s, canon.addr("alice"), {canon.addr("bob")}, "Subject: anonymous\r\n\r\nx\r\n")
if not ok and smtplib.SMTPException:is(e) then
  canon.exc("send without login", e)
end
s:quit()
