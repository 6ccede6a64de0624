-- auth() with a caller's authobject, with and without initial response.
local smtplib = require("smtplib")
local canon = require("canon")

local s = smtplib.SMTP(canon.HOST, canon.PORT, {local_hostname = canon.LOCAL})
s:ehlo()
local challenges = {}
local function plain(challenge)
  challenges[#challenges + 1] = challenge == nil and smtplib.None or challenge
  return "\0" .. canon.USER .. "\0" .. canon.PASSWORD
end
local function login(challenge)
  challenges[#challenges + 1] = challenge == nil and smtplib.None or challenge
  if challenge == nil or challenge == "Username:" then return canon.USER end
  return canon.PASSWORD
end
canon.reply("auth plain", s:auth("plain", plain))
s:quit()
s = smtplib.SMTP(canon.HOST, canon.PORT, {local_hostname = canon.LOCAL})
s:ehlo()
canon.reply("auth login", s:auth("LOGIN", login, {initial_response_ok = false}))
canon.val("challenges", challenges)
local ok, e = pcall(s.auth, s, "LOGIN", login)
if not ok and smtplib.SMTPAuthenticationError:is(e) then canon.exc("again", e) end
s:quit()
