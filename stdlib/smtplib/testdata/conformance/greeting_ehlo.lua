-- Greeting, EHLO, the extensions Postfix advertises, NOOP, RSET, QUIT.
local smtplib = require("smtplib")
local canon = require("canon")

local s = smtplib.SMTP(canon.HOST, canon.PORT, {local_hostname = canon.LOCAL})
canon.reply("ehlo", s:ehlo())
canon.val("does_esmtp", s.does_esmtp)
for _, ext in ipairs({"size", "PIPELINING", "starttls", "AUTH", "8bitmime", "smtputf8", "chunking", "xclient"}) do
  canon.val("has_extn " .. ext, s:has_extn(ext))
end
canon.val("auth", canon.str(s.esmtp_features["auth"]))
canon.val("size", canon.str(s.esmtp_features["size"]))
canon.reply("noop", s:noop())
canon.reply("rset", s:rset())
canon.reply("quit", s:quit())
