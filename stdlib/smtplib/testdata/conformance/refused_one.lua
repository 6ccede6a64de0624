-- One recipient refused: sendmail returns it with the server's reply.
local smtplib = require("smtplib")
local canon = require("canon")

local s = smtplib.SMTP(canon.HOST, canon.PORT, {local_hostname = canon.LOCAL})
local refused = s:sendmail(canon.addr("bob"), {canon.addr("nobody"), canon.addr("alice"), canon.addr("ghost")}, "Subject: partly\r\n\r\nx\r\n")
canon.val("refused", refused)
local keys = {}
for k in pairs(refused) do keys[#keys + 1] = k end
table.sort(keys)
for _, k in ipairs(keys) do canon.val("code " .. k, refused[k][1]) end
canon.reply("noop after", s:noop())
s:quit()
