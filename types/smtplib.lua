---@meta smtplib
-- mailscript's "smtplib" module: CPython's smtplib for Lua. Methods that
-- return Python's (code, msg) return two values; see docs/lua-smtplib.md.
---@class smtplib
---@field None userdata Python's None
---@field SMTP_PORT integer
---@field SMTP_SSL_PORT integer
---@field LMTP_PORT integer
---@field CRLF string
local smtplib = {}

---An exception class: pcall, then cls:is(err) as Python's except.
---@class smtplib.ExceptionClass
---@field name string
---@field qualname string
---@field parent? smtplib.ExceptionClass
local ExceptionClass = {}
---@param err any the error value pcall returned
---@return boolean
function ExceptionClass:is(err) end

---An error raised by smtplib: class, message (Python's str(e)), args, and
---for the response errors smtp_code and smtp_error; sender for
---SMTPSenderRefused; recipients ({addr = {code, msg}}) for
---SMTPRecipientsRefused.
---@class smtplib.Error
---@field class smtplib.ExceptionClass
---@field message string
---@field args any[]
---@field smtp_code? integer
---@field smtp_error? string
---@field sender? string
---@field recipients? table<string, {[1]: integer, [2]: string}>

smtplib.OSError = ExceptionClass
smtplib.ValueError = ExceptionClass
smtplib.SMTPException = ExceptionClass
smtplib.SMTPNotSupportedError = ExceptionClass
smtplib.SMTPServerDisconnected = ExceptionClass
smtplib.SMTPResponseException = ExceptionClass
smtplib.SMTPSenderRefused = ExceptionClass
smtplib.SMTPRecipientsRefused = ExceptionClass
smtplib.SMTPDataError = ExceptionClass
smtplib.SMTPConnectError = ExceptionClass
smtplib.SMTPHeloError = ExceptionClass
smtplib.SMTPAuthenticationError = ExceptionClass

---One connection (Python's SMTP, SMTP_SSL or LMTP instance).
---@class smtplib.SMTP
---@field esmtp_features table<string, string>
---@field does_esmtp boolean
---@field ehlo_resp string|userdata None before EHLO
---@field helo_resp string|userdata None before HELO
---@field local_hostname string
---@field debuglevel integer
local SMTP = {}

---Python's SMTP(host='', port=0, local_hostname=None, timeout=None,
---source_address=None): connects when host is given (SMTPConnectError
---unless the greeting is 220).
---@param host? string
---@param port? integer
---@param opts? {local_hostname?: string, timeout?: number, source_address?: table}
---@return smtplib.SMTP
function smtplib.SMTP(host, port, opts) end
---Python's SMTP_SSL: implicit TLS, certificate verified.
---@param host? string
---@param port? integer
---@param opts? {local_hostname?: string, timeout?: number, source_address?: table, context?: ssl.SSLContext}
---@return smtplib.SMTP
function smtplib.SMTP_SSL(host, port, opts) end
---Python's LMTP(host='', port=2003, ...): host may be a Unix socket path.
---@param host? string
---@param port? integer
---@param opts? {local_hostname?: string, timeout?: number, source_address?: table}
---@return smtplib.SMTP
function smtplib.LMTP(host, port, opts) end
---Python's "with": calls fn(s), then QUIT and close, also on error.
---@param s smtplib.SMTP
---@param fn fun(s: smtplib.SMTP): any
---@return any
function smtplib.with(s, fn) end
---@param addr string
---@return string
function smtplib.quoteaddr(addr) end
---@param data string
---@return string
function smtplib.quotedata(data) end

---@param host? string
---@param port? integer
---@return integer code, string msg
function SMTP:connect(host, port) end
---@param level integer
function SMTP:set_debuglevel(level) end
---@param name? string
---@return integer code, string msg
function SMTP:helo(name) end
---@param name? string
---@return integer code, string msg
function SMTP:ehlo(name) end
function SMTP:ehlo_or_helo_if_needed() end
---@param name string
---@return boolean
function SMTP:has_extn(name) end
---@param args? string
---@return string
function SMTP:help(args) end
---@param opts? {context?: ssl.SSLContext}
---@return integer code, string msg
function SMTP:starttls(opts) end
---@param user string
---@param password string
---@param opts? {initial_response_ok?: boolean}
---@return integer code, string msg
function SMTP:login(user, password, opts) end
---@param mechanism string
---@param authobject fun(challenge: string?): string?
---@param opts? {initial_response_ok?: boolean}
---@return integer code, string msg
function SMTP:auth(mechanism, authobject, opts) end
---Returns the refused recipients: {addr = {code, msg}}.
---@param from_addr string
---@param to_addrs string|string[]
---@param msg string
---@param mail_options? string[]
---@param rcpt_options? string[]
---@return table<string, {[1]: integer, [2]: string}>
function SMTP:sendmail(from_addr, to_addrs, msg, mail_options, rcpt_options) end
---msg is the message's bytes or an object with as_bytes().
---@param msg string|table
---@param from_addr? string
---@param to_addrs? string|string[]
---@param mail_options? string[]
---@param rcpt_options? string[]
---@return table<string, {[1]: integer, [2]: string}>
function SMTP:send_message(msg, from_addr, to_addrs, mail_options, rcpt_options) end
---@param address string
---@return integer code, string msg
function SMTP:verify(address) end
---@param address string
---@return integer code, string msg
function SMTP:vrfy(address) end
---@param address string
---@return integer code, string msg
function SMTP:expn(address) end
---@return integer code, string msg
function SMTP:noop() end
---@return integer code, string msg
function SMTP:rset() end
---@param sender string
---@param options? string[]
---@return integer code, string msg
function SMTP:mail(sender, options) end
---@param recip string
---@param options? string[]
---@return integer code, string msg
function SMTP:rcpt(recip, options) end
---@param msg string
---@return integer code, string msg
function SMTP:data(msg) end
---@param cmd string
---@param args? string
---@return integer code, string msg
function SMTP:docmd(cmd, args) end
---@param cmd string
---@param args? string
function SMTP:putcmd(cmd, args) end
---@return integer code, string msg
function SMTP:getreply() end
---@return integer code, string msg
function SMTP:quit() end
function SMTP:close() end

return smtplib
