-- Every recipient refused: SMTPRecipientsRefused with each reply; the
-- session goes on.
local smtplib = require("smtplib")
local canon = require("canon")

local s = smtplib.SMTP(canon.HOST, canon.PORT, {local_hostname = canon.LOCAL})
local ok, e = pcall(s.sendmail, s, canon.addr("bob"), {canon.addr("nobody"), canon.addr("ghost")}, "Subject: none\r\n\r\nx\r\n")
if not ok and smtplib.SMTPRecipientsRefused:is(e) then
  canon.exc("refused", e)
  canon.val("recipients", e.recipients)
  canon.val("is SMTPException", smtplib.SMTPException:is(e))
  canon.val("is SMTPResponseException", smtplib.SMTPResponseException:is(e))
end
canon.val("then", s:sendmail(canon.addr("bob"), {canon.addr("alice")}, "Subject: then\r\n\r\nx\r\n"))
s:quit()
