-- send_message: the envelope from From/To/Cc/Bcc, Bcc not sent; Resent-
-- fields when there is one Resent- block; two blocks are a ValueError.
local smtplib = require("smtplib")
local canon = require("canon")

local s = smtplib.SMTP(canon.HOST, canon.PORT, {local_hostname = canon.LOCAL})
local raw = string.format("From: Bob <%s>\r\nTo: Alice <%s>, nobody@%s\r\nCc: %s\r\nBcc: ghost@%s\r\nSubject: send_message\r\n\r\nbody\r\n",
  canon.addr("bob"), canon.addr("alice"), canon.DOMAIN, canon.addr("bob"), canon.DOMAIN)
canon.val("refused", s:send_message(raw))
local resent = string.format("Resent-Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nResent-From: %s\r\nResent-To: %s, ghost@%s\r\nFrom: x@elsewhere.example\r\nTo: y@elsewhere.example\r\nSubject: resent\r\n\r\nbody\r\n",
  canon.addr("alice"), canon.addr("bob"), canon.DOMAIN)
canon.val("resent refused", s:send_message(resent))
local twice = "Resent-Date: a\r\nResent-Date: b\r\nFrom: x@example.test\r\n\r\nbody\r\n"
local ok, e = pcall(s.send_message, s, twice)
if not ok and smtplib.ValueError:is(e) then
  canon.exc("two resent blocks", e)
end
canon.val("explicit envelope", s:send_message(raw, canon.addr("alice"), {canon.addr("bob")}))
s:quit()
