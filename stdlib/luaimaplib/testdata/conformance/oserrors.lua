-- The socket's and the ssl module's errors come through imaplib as Python
-- raises them: OSError with errno and strerror, TimeoutError (an OSError)
-- for a greeting or a read that times out, and
-- ssl.SSLCertVerificationError for a certificate that does not verify, in
-- IMAP4_SSL and in starttls() alike.
local imaplib = require("imaplib")
local ssl = require("ssl")
local canon = require("canon")

local SILENT = tonumber(os.getenv("IMAP_SILENT_PORT"))

local function show(label, e)
  canon.val(label .. " OSError", imaplib.OSError:is(e))
  canon.text(label .. " message", e.message)
end

local ok, e = pcall(imaplib.IMAP4, canon.HOST, 1)
if not ok then
  if not imaplib.OSError:is(e) then error(e, 0) end
  show("refused", e)
  canon.val("refused errno", e.errno)
  canon.text("refused strerror", e.strerror)
end

ok, e = pcall(imaplib.IMAP4, canon.HOST, SILENT, 0.5)
if not ok then
  if not imaplib.TimeoutError:is(e) then error(e, 0) end
  show("greeting timeout", e)
end

local M = imaplib.IMAP4(canon.HOST, canon.PORT, 0.5)
M:login(canon.USER, canon.PASSWORD)
ok, e = pcall(M.readline, M)
if not ok then
  if not imaplib.TimeoutError:is(e) then error(e, 0) end
  show("read timeout", e)
end

local function cert_error(label, call)
  local ok, e = pcall(call)
  if ok then return end
  if not ssl.SSLCertVerificationError:is(e) then error(e, 0) end
  canon.text(label, e.class.name)
  canon.val(label .. " SSLError", ssl.SSLError:is(e))
  canon.val(label .. " OSError", imaplib.OSError:is(e))
  canon.val(label .. " ValueError", imaplib.ValueError:is(e))
  canon.val(label .. " imaplib error", imaplib.IMAP4.error:is(e))
  canon.text(label .. " reason", e.reason)
  canon.text(label .. " verify_message", e.verify_message)
end

M = imaplib.IMAP4(canon.HOST, canon.PORT)
cert_error("starttls", function() return M:starttls({ssl_context = ssl.create_default_context()}) end)
cert_error("IMAP4_SSL", function()
  return imaplib.IMAP4_SSL(canon.HOST, canon.SSL_PORT, {ssl_context = ssl.create_default_context()})
end)
