-- HELO instead of EHLO: no ESMTP, helo_resp set, ehlo_resp None.
local smtplib = require("smtplib")
local canon = require("canon")

local s = smtplib.SMTP(canon.HOST, canon.PORT, {local_hostname = canon.LOCAL})
canon.val("helo_resp before", s.helo_resp)
canon.reply("helo", s:helo())
canon.val("helo_resp", s.helo_resp)
canon.val("ehlo_resp", s.ehlo_resp)
canon.val("does_esmtp", s.does_esmtp)
canon.val("refused", s:sendmail(canon.addr("bob"), {canon.addr("alice")}, "Subject: helo\r\n\r\nsent after HELO\r\n"))
canon.reply("quit", s:quit())
