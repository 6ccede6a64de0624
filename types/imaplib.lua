---@meta imaplib
-- mailscript's "imaplib" module: CPython's imaplib for Lua. Commands
-- return typ, data as Python returns (typ, data); see docs/lua-imaplib.md.
---@class imaplib
---@field None userdata Python's None inside lists (json.null too)
---@field Debug integer
---@field IMAP4_PORT integer
---@field IMAP4_SSL_PORT integer
local imaplib = {}

---An exception class: pcall, then cls:is(err) as Python's except.
---@class imaplib.ExceptionClass
---@field name string
---@field qualname string
local ExceptionClass = {}
---@param err any the error value pcall returned
---@return boolean
function ExceptionClass:is(err) end

---@class imaplib.IMAP4
---@field error imaplib.ExceptionClass
---@field abort imaplib.ExceptionClass
---@field readonly imaplib.ExceptionClass
---@field capabilities string[]
---@field state string
---@field welcome string
---@field PROTOCOL_VERSION string
---@field utf8_enabled boolean
---@field debug integer
---@field literal string? Python's M.literal: sent with the next command, then reset
local IMAP4 = {}
imaplib.IMAP4 = IMAP4
imaplib.IMAP4.error = ExceptionClass
imaplib.IMAP4.abort = ExceptionClass
imaplib.IMAP4.readonly = ExceptionClass
imaplib.OSError = ExceptionClass
---Python's TimeoutError (an OSError): a connect, greeting or read timeout.
imaplib.TimeoutError = ExceptionClass
imaplib.ValueError = ExceptionClass

---Python's IMAP4(host='', port=143, timeout=None); keyword arguments in a table.
---@param host? string|table
---@param port? integer
---@param opts? {timeout?: number}
---@return imaplib.IMAP4
function imaplib.IMAP4(host, port, opts) end
---@param host? string|table
---@param port? integer
---@param opts? {ssl_context?: ssl.SSLContext, timeout?: number}
---@return imaplib.IMAP4
function imaplib.IMAP4_SSL(host, port, opts) end
---Runs command and talks IMAP over its stdin/stdout (needs --allow-run).
---@param command string
---@return imaplib.IMAP4
function imaplib.IMAP4_stream(command) end
---Python's "with": calls fn(obj), then logs out / sends DONE, also on error.
---@generic T
---@param obj T
---@param fn fun(obj: T): any
---@return any
function imaplib.with(obj, fn) end
---@param num integer
---@return string
function imaplib.Int2AP(num) end
---@param resp string
---@return table?
function imaplib.Internaldate2tuple(resp) end
---@param resp string
---@return string[]
function imaplib.ParseFlags(resp) end
---@param date_time number|string|table
---@return string
function imaplib.Time2Internaldate(date_time) end

---Appends a message.
---@param mailbox? string
---@param flags? string
---@param date_time? string
---@param message? string
---@return string typ
---@return any[] data
function IMAP4:append(mailbox, flags, date_time, message) end

---SASL authentication; authobject(challenge) returns the response.
---@param mechanism? string
---@param authobject? fun(challenge: string): string?
---@return string typ
---@return any[] data
function IMAP4:authenticate(mechanism, authobject) end

---@return string typ
---@return any[] data
function IMAP4:capability() end

---@return string typ
---@return any[] data
function IMAP4:check() end

---Closes the selected mailbox.
---@return string typ
---@return any[] data
function IMAP4:close() end

---@param message_set? string
---@param new_mailbox? string
---@return string typ
---@return any[] data
function IMAP4:copy(message_set, new_mailbox) end

---@param mailbox? string
---@return string typ
---@return any[] data
function IMAP4:create(mailbox) end

---@param mailbox? string
---@return string typ
---@return any[] data
function IMAP4:delete(mailbox) end

---@param mailbox? string
---@param who? string
---@return string typ
---@return any[] data
function IMAP4:deleteacl(mailbox, who) end

---@param capability? string
---@return string typ
---@return any[] data
function IMAP4:enable(capability) end

---@return string typ
---@return any[] data
function IMAP4:expunge() end

---@param message_set? string
---@param message_parts? string
---@return string typ
---@return any[] data
function IMAP4:fetch(message_set, message_parts) end

---@param mailbox? string
---@return string typ
---@return any[] data
function IMAP4:getacl(mailbox) end

---@param mailbox? string
---@param entry? string
---@param attribute? string
---@return string typ
---@return any[] data
function IMAP4:getannotation(mailbox, entry, attribute) end

---@param root? string
---@return string typ
---@return any[] data
function IMAP4:getquota(root) end

---@param mailbox? string
---@return string typ
---@return any[] data
function IMAP4:getquotaroot(mailbox) end

---Python 3.14's idle(): an Idler; with fn, calls fn(idler) and sends DONE after.
---@param duration? number
---@param fn? fun(idler: imaplib.Idler)
---@return imaplib.Idler
function IMAP4:idle(duration, fn) end

---@param directory? string
---@param pattern? string
---@return string typ
---@return any[] data
function IMAP4:list(directory, pattern) end

---@param user? string
---@param password? string
---@return string typ
---@return any[] data
function IMAP4:login(user, password) end

---@param user? string
---@param password? string
---@return string typ
---@return any[] data
function IMAP4:login_cram_md5(user, password) end

---@return string typ
---@return any[] data
function IMAP4:logout() end

---@param directory? string
---@param pattern? string
---@return string typ
---@return any[] data
function IMAP4:lsub(directory, pattern) end

---@param mailbox? string
---@return string typ
---@return any[] data
function IMAP4:myrights(mailbox) end

---@return string typ
---@return any[] data
function IMAP4:namespace() end

---@return string typ
---@return any[] data
function IMAP4:noop() end

---@param host? string
---@param port? number
---@param timeout? number
---@return string typ
---@return any[] data
function IMAP4:open(host, port, timeout) end

---@param message_num? string
---@param message_part? string
---@param start? string
---@param length? string
---@return string typ
---@return any[] data
function IMAP4:partial(message_num, message_part, start, length) end

function IMAP4:print_log() end

---@param user? string
---@return string typ
---@return any[] data
function IMAP4:proxyauth(user) end

---@param size? number
---@return string
function IMAP4:read(size) end

---@return string
function IMAP4:readline() end

---@return string typ
---@return any[] data
function IMAP4:recent() end

---@param oldmailbox? string
---@param newmailbox? string
---@return string typ
---@return any[] data
function IMAP4:rename(oldmailbox, newmailbox) end

---@param code? string
---@return string typ
---@return any[] data
function IMAP4:response(code) end

---search(nil, "UNSEEN")
---@param charset? string
---@param ... string
---@return string typ
---@return any[] data
function IMAP4:search(charset, ...) end

---opts: {readonly = true}
---@param mailbox? string
---@param opts? table
---@return string typ
---@return any[] data
function IMAP4:select(mailbox, opts) end

---@param data? string
function IMAP4:send(data) end

---@param mailbox? string
---@param who? string
---@param what? string
---@return string typ
---@return any[] data
function IMAP4:setacl(mailbox, who, what) end

---@param mailbox? string
---@param ... string
---@return string typ
---@return any[] data
function IMAP4:setannotation(mailbox, ...) end

---@param root? string
---@param limits? string
---@return string typ
---@return any[] data
function IMAP4:setquota(root, limits) end

function IMAP4:shutdown() end

---@return table
function IMAP4:socket() end

---@param sort_criteria? string
---@param charset? string
---@param ... string
---@return string typ
---@return any[] data
function IMAP4:sort(sort_criteria, charset, ...) end

---@param ssl_context? ssl.SSLContext
---@return string typ
---@return any[] data
function IMAP4:starttls(ssl_context) end

---@param mailbox? string
---@param names? string
---@return string typ
---@return any[] data
function IMAP4:status(mailbox, names) end

---@param message_set? string
---@param command? string
---@param flags? string
---@return string typ
---@return any[] data
function IMAP4:store(message_set, command, flags) end

---@param mailbox? string
---@return string typ
---@return any[] data
function IMAP4:subscribe(mailbox) end

---@param threading_algorithm? string
---@param charset? string
---@param ... string
---@return string typ
---@return any[] data
function IMAP4:thread(threading_algorithm, charset, ...) end

---@param command? string
---@param ... string
---@return string typ
---@return any[] data
function IMAP4:uid(command, ...) end

---@return string typ
---@return any[] data
function IMAP4:unselect() end

---@param mailbox? string
---@return string typ
---@return any[] data
function IMAP4:unsubscribe(mailbox) end

---@param name? string
---@param ... string
---@return string typ
---@return any[] data
function IMAP4:xatom(name, ...) end

---@class imaplib.Idler
local Idler = {}
---Iterates over pushed responses as typ, data until the duration ends.
---@return fun(): string?, any[]?
function Idler:iter() end
---@param interval? number
---@return fun(): string?, any[]?
function Idler:burst(interval) end
function Idler:close() end
function Idler:done() end

return imaplib
