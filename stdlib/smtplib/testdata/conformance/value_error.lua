-- CR or LF in a command is a ValueError before anything is sent.
local smtplib = require("smtplib")
local canon = require("canon")

local s = smtplib.SMTP(canon.HOST, canon.PORT, {local_hostname = canon.LOCAL})
for _, c in ipairs({{"lf", "x\nRSET"}, {"crlf", "x\r\nQUIT"}, {"cr", "x\rQUIT"}}) do
  local ok, e = pcall(s.docmd, s, "NOOP", c[2])
  if not ok and smtplib.ValueError:is(e) then canon.exc(c[1], e) end
end
local ok, e = pcall(s.ehlo, s, "client\r\nMAIL FROM:<evil@example.test>")
if not ok and smtplib.ValueError:is(e) then canon.exc("ehlo", e) end
canon.reply("still usable", s:noop())
s:quit()
