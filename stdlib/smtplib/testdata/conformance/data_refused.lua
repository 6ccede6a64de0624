-- A 5xx after the data: SMTPDataError with smtp_code and smtp_error.
local smtplib = require("smtplib")
local canon = require("canon")

local s = smtplib.SMTP(canon.HOST, canon.PORT, {local_hostname = canon.LOCAL})
local ok, e = pcall(s.sendmail, s, canon.addr("bob"), {canon.addr("alice")}, "Subject: please REJECT-ME now\r\n\r\nx\r\n")
if not ok and smtplib.SMTPDataError:is(e) then
  canon.exc("data", e)
  canon.val("smtp_code", e.smtp_code)
  canon.val("smtp_error", e.smtp_error)
  canon.val("is SMTPResponseException", smtplib.SMTPResponseException:is(e))
  canon.val("is SMTPSenderRefused", smtplib.SMTPSenderRefused:is(e))
end
canon.reply("noop", s:noop())
s:quit()
