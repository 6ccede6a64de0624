-- LMTP straight to Dovecot over its Unix socket.
local smtplib = require("smtplib")
local canon = require("canon")

local s = smtplib.LMTP(canon.LMTP_SOCKET, nil, {local_hostname = canon.LOCAL})
local code = s:ehlo()
canon.val("lhlo code", code)
canon.val("pipelining", s:has_extn("pipelining"))
canon.val("refused", s:sendmail(canon.addr("bob"), {canon.addr("alice")}, "Subject: lmtp\r\n\r\nstraight in\r\n"))
local ok, e = pcall(s.sendmail, s, canon.addr("bob"), {canon.addr("nobody")}, "Subject: lmtp\r\n\r\nx\r\n")
if not ok and smtplib.SMTPRecipientsRefused:is(e) then
  local keys = {}
  for k in pairs(e.recipients) do keys[#keys + 1] = canon.str(k) end
  canon.val("unknown", keys)
end
canon.reply("quit", s:quit())
