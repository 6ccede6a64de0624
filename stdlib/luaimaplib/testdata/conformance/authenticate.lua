-- AUTHENTICATE with an authobject: PLAIN, LOGIN (two challenges), a cancel,
-- a refused mechanism, and login_cram_md5 (not offered by this server).
local imaplib = require("imaplib")
local canon = require("canon")

local function plain(challenge)
  canon.val("challenge", challenge)
  return string.format("\0%s\0%s", canon.USER, canon.PASSWORD)
end

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
canon.res("plain", M:authenticate("PLAIN", plain))
canon.text("state", M.state)
M:logout()

local answers = {canon.USER, canon.PASSWORD}
local function login(challenge)
  canon.val("challenge", challenge)
  return table.remove(answers, 1)
end

M = imaplib.IMAP4(canon.HOST, canon.PORT)
canon.res("login", M:authenticate("login", login))
M:logout()

M = imaplib.IMAP4(canon.HOST, canon.PORT)
local function try(label, f, ...)
  local ok, e = pcall(f, ...)
  if not ok then
    if not M.error:is(e) then error(e, 0) end
    canon.exc(label, e)
  end
end
try("cancel", M.authenticate, M, "PLAIN", function(challenge) return nil end)
try("wrong password", M.authenticate, M, "PLAIN", function(challenge) return "\0" .. canon.USER .. "\0wrong" end)
try("unknown mechanism", M.authenticate, M, "X-UNKNOWN", function(challenge) return "" end)
try("cram-md5", M.login_cram_md5, M, canon.USER, canon.PASSWORD)
canon.text("state", M.state)
M:logout()
