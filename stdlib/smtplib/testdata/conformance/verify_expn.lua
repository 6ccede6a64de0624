-- VRFY and EXPN, with a display name that quoteaddr strips.
local smtplib = require("smtplib")
local canon = require("canon")

local s = smtplib.SMTP(canon.HOST, canon.PORT, {local_hostname = canon.LOCAL})
canon.reply("verify", s:verify(canon.addr("alice")))
canon.reply("vrfy named", s:vrfy("Alice <" .. canon.addr("alice") .. ">"))
canon.reply("verify unknown", s:verify(canon.addr("nobody")))
canon.reply("expn", s:expn(canon.addr("alice")))
canon.val("quoteaddr", canon.str(smtplib.quoteaddr("Alice <a@example.test>")))
canon.val("quoteaddr empty", canon.str(smtplib.quoteaddr("")))
s:quit()
