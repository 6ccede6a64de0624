---@meta email.message
-- The message-building part of mailscript's "email" module, as Python's:
-- email.message (EmailMessage with the default policy, MIMEPart, and the
-- compat32 Message), email.mime.*, email.encoders, email.header.Header and
-- email.utils.localtime. Each is also reachable with require("email.message"),
-- require("email.mime.text")... Keyword arguments are a trailing options
-- table: msg:set_content("<p>Hi</p>", {subtype = "html"}).

---@class email.message
local message = {}

---EmailMessage() with the default policy: fields folded and RFC 2047
---encoded on output; a value with CR or LF is refused (ValueError).
---@return email.Message
function message.EmailMessage() end
---@return email.Message
function message.MIMEPart() end
---The compat32 Message(): fields written as they are set.
---@return email.Message
function message.Message() end

---@class email.mime.text
local text = {}
---@param text string
---@param subtype? string "plain" by default
---@param charset? string us-ascii or utf-8 by default
---@return email.Message
function text.MIMEText(text, subtype, charset) end

---@class email.mime.multipart
local multipart = {}
---@param subtype? string "mixed" by default
---@param boundary? string
---@param subparts? email.Message[]
---@param params? table<string, string>
---@return email.Message
function multipart.MIMEMultipart(subtype, boundary, subparts, params) end

---@class email.mime.base
local base = {}
---@param maintype string
---@param subtype string
---@param params? table<string, string>
---@return email.Message
function base.MIMEBase(maintype, subtype, params) end

---@class email.mime.nonmultipart
local nonmultipart = {}
---@param maintype string
---@param subtype string
---@param params? table<string, string>
---@return email.Message
function nonmultipart.MIMENonMultipart(maintype, subtype, params) end

---@class email.mime.application
local application = {}
---@param data string
---@param subtype? string "octet-stream" by default
---@param params? table<string, string>
---@return email.Message
function application.MIMEApplication(data, subtype, params) end

---@class email.mime.image
local image = {}
---@param data string
---@param subtype? string guessed from the data when nil
---@param params? table<string, string>
---@return email.Message
function image.MIMEImage(data, subtype, params) end

---@class email.mime.message
local mimemessage = {}
---@param msg email.Message
---@param subtype? string "rfc822" by default
---@return email.Message
function mimemessage.MIMEMessage(msg, subtype) end

---@class email.encoders
local encoders = {}
---@param msg email.Message
function encoders.encode_base64(msg) end
---@param msg email.Message
function encoders.encode_quopri(msg) end
---@param msg email.Message
function encoders.encode_7or8bit(msg) end
---@param msg email.Message
function encoders.encode_noop(msg) end

---@class email.header.Header
local Header = {}
---@param s string
---@param charset? string
function Header:append(s, charset) end
---@return string the RFC 2047 form
function Header:encode() end

---@class email.header
local header = {}
---@param s? string
---@param charset? string
---@return email.header.Header
function header.Header(s, charset) end

---@class email.utils
local utils = {}
---The epoch seconds and the local zone's offset at that time.
---@param epoch? number now when nil
---@return integer epoch, integer offset
function utils.localtime(epoch) end

---@class email.ContentOptions
---@field subtype? string
---@field charset? string
---@field cte? string
---@field disposition? string
---@field filename? string
---@field cid? string
---@field params? table<string, string>
---@field headers? string[] "Name: value"

---@class email.Message
local Message = {}
---set_content(text [, subtype] [, opts]), set_content(data, maintype,
---subtype [, opts]) for bytes, or set_content(message [, opts]).
---@param content string|email.Message
---@param ... string|email.ContentOptions
function Message:set_content(content, ...) end
---@param content string|email.Message
---@param ... string|email.ContentOptions
function Message:add_alternative(content, ...) end
---@param content string|email.Message
---@param ... string|email.ContentOptions
function Message:add_attachment(content, ...) end
---@param content string|email.Message
---@param ... string|email.ContentOptions
function Message:add_related(content, ...) end
function Message:make_mixed() end
function Message:make_alternative() end
function Message:make_related() end
---@param preferencelist? string[] {"related", "html", "plain"} by default
---@return email.Message?
function Message:get_body(preferencelist) end
---@return fun(): email.Message?
function Message:iter_attachments() end
---@return fun(): email.Message?
function Message:iter_parts() end
---@return boolean
function Message:is_attachment() end
function Message:clear() end
function Message:clear_content() end
---@param payload string|email.Message[]
---@param charset? string
function Message:set_payload(payload, charset) end
---@param part email.Message
function Message:attach(part) end
---@param param string
---@param value string|{[1]: string, [2]: string, [3]: string} text, or {charset, language, text}
---@param opts? {header?: string, requote?: boolean, charset?: string, language?: string, replace?: boolean}
function Message:set_param(param, value, opts) end
---@param param string
---@param opts? {header?: string, requote?: boolean}
function Message:del_param(param, opts) end
---@param charset? string
function Message:set_charset(charset) end
---@param boundary string
function Message:set_boundary(boundary) end

return message
