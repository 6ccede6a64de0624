-- A non-ASCII address: SMTPUTF8 is used; the unknown user is refused.
local smtplib = require("smtplib")
local canon = require("canon")

local s = smtplib.SMTP(canon.HOST, canon.PORT, {local_hostname = canon.LOCAL})
s:ehlo()
canon.val("smtputf8", s:has_extn("smtputf8"))
local raw = string.format("From: %s\r\nTo: José <josé@%s>, %s\r\nSubject: utf8\r\n\r\nolá\r\n", canon.addr("bob"), canon.DOMAIN, canon.addr("alice"))
local refused = s:send_message(raw)
-- Python's keys are str: print them as such.
local t = {}
for k, v in pairs(refused) do t[k] = v end
canon.val("refused", t)
canon.reply("mail in the same session", s:mail("josé@" .. canon.DOMAIN))
canon.reply("rset", s:rset())
local ok, e = pcall(s.mail, s, "josé@" .. canon.DOMAIN)
if not ok and smtplib.ValueError:is(e) then canon.text("mail without SMTPUTF8", "UnicodeEncodeError") end
s:quit()
