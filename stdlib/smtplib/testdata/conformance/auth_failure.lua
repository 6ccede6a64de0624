-- A wrong password: every mechanism is tried, the last refusal raised.
local smtplib = require("smtplib")
local canon = require("canon")

local s = smtplib.SMTP(canon.HOST, canon.PORT, {local_hostname = canon.LOCAL})
local ok, e = pcall(s.login, s, canon.USER, "wrong password")
if not ok and smtplib.SMTPAuthenticationError:is(e) then
  canon.exc("login", e)
  canon.val("smtp_code", e.smtp_code)
  canon.val("is SMTPException", smtplib.SMTPException:is(e))
end
ok, e = pcall(s.login, s, "nobody", canon.PASSWORD, {initial_response_ok = false})
if not ok and smtplib.SMTPAuthenticationError:is(e) then
  canon.exc("login no initial response", e)
end
canon.reply("login right", s:login(canon.USER, canon.PASSWORD))
s:quit()
