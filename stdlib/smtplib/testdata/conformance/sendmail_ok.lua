-- sendmail to one recipient, a bare string recipient, a list of two.
local smtplib = require("smtplib")
local canon = require("canon")

local s = smtplib.SMTP(canon.HOST, canon.PORT, {local_hostname = canon.LOCAL})
local msg = "From: bob@example.test\r\nSubject: hello\r\n\r\n.a dotted line\r\nbye\r\n"
canon.val("one", s:sendmail(canon.addr("bob"), {canon.addr("alice")}, msg))
canon.val("string", s:sendmail(canon.addr("bob"), canon.addr("alice"), msg))
canon.val("two", s:sendmail("Bob <" .. canon.addr("bob") .. ">", {canon.addr("alice"), canon.addr("bob")}, msg))
canon.reply("quit", s:quit())
