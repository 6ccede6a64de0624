---@meta email
-- mailscript's "email" module: Python's email package (compat32), also
-- reachable as require("email.header"), require("email.utils") and
-- require("email.errors").
local email = {}
email.header = {}
email.utils = {}

---An exception class of email.errors: pcall, then cls:is(err) as Python's except.
---@class email.ErrorClass
---@field name string
---@field qualname string
local ErrorClass = {}
---@param err any the error value pcall returned
---@return boolean
function ErrorClass:is(err) end

---Python's email.errors: HeaderParseError (raised by decode_header) and its
---parents MessageParseError and MessageError, BoundaryError,
---MultipartConversionError, CharsetError.
email.errors = {}
email.errors.MessageError = ErrorClass
email.errors.MessageParseError = ErrorClass
email.errors.HeaderParseError = ErrorClass
email.errors.BoundaryError = ErrorClass
email.errors.MultipartConversionError = ErrorClass
email.errors.CharsetError = ErrorClass

---@param s string
---@return email.Message
function email.message_from_string(s) end
---@param s string
---@return email.Message
function email.message_from_bytes(s) end

---Python's decode_header: a list of {text, charset} pairs. Broken base64
---in an encoded word raises email.errors.HeaderParseError.
---@param s string
---@return {[1]: string, [2]: string?}[]
function email.header.decode_header(s) end
---@param pairs {[1]: string, [2]: string?}[]
---@return any header whose tostring() is the decoded text
function email.header.make_header(pairs) end
---Decodes every encoded word of s to UTF-8 in one call.
---@param s string
---@return string
function email.header.decode(s) end
---@param s string
---@param charset? string
---@return string
function email.header.encode_word(s, charset) end

---@param s string
---@return string name, string addr
function email.utils.parseaddr(s) end
---@param values string[]
---@return {[1]: string, [2]: string}[]
function email.utils.getaddresses(values) end
---@param pair {[1]: string, [2]: string}
---@param charset? string the charset of a name that is not ASCII (default "utf-8")
---@return string
function email.utils.formataddr(pair, charset) end
---@param s string
---@return integer? epoch, integer? offset
function email.utils.parsedate_to_datetime(s) end
---@param s string
---@return table?
function email.utils.parsedate_tz(s) end
---@param s string
---@return table?
function email.utils.parsedate(s) end
---@param t table
---@return integer
function email.utils.mktime_tz(t) end
---@param epoch number
---@param offset? integer
---@return string
function email.utils.format_datetime(epoch, offset) end
---@param epoch? number
---@param localtime? boolean
---@param usegmt? boolean
---@return string
function email.utils.formatdate(epoch, localtime, usegmt) end
---@param idstring? string
---@param domain? string
---@return string
function email.utils.make_msgid(idstring, domain) end
---@param s string
---@return string
function email.utils.quote(s) end
---@param s string
---@return string
function email.utils.unquote(s) end
---@param s string
---@return table
function email.utils.decode_rfc2231(s) end
---@param value any
---@param errors? string
---@param fallback_charset? string
---@return string
function email.utils.collapse_rfc2231_value(value, errors, fallback_charset) end

---A message; msg["Name"] is the first field's raw value.
---@class email.Message
---@field defects string[]
---@field preamble string?
---@field epilogue string?
local Message = {}

---@param name string
---@param default? any
---@return string|any
function Message:get(name, default) end
---@param name string
---@return string[]
function Message:get_all(name) end
---@return string[]
function Message:keys() end
---@return string[]
function Message:values() end
---@return {[1]: string, [2]: string}[]
function Message:items() end
---@param name string
---@return boolean
function Message:contains(name) end
---@param name string
---@param value string
---@param params? table<string, string>
function Message:add_header(name, value, params) end
---@param name string
---@param value string
function Message:replace_header(name, value) end
---@param name string
function Message:del(name) end
---@return boolean
function Message:is_multipart() end
---@return fun(): email.Message?
function Message:walk() end
---@param i? integer from 0
---@param decode? boolean
---@return string|email.Message[]
function Message:get_payload(i, decode) end
---@return string text decoded to UTF-8, or the octets
function Message:get_content() end
---@return string
function Message:get_content_type() end
---@return string
function Message:get_content_maintype() end
---@return string
function Message:get_content_subtype() end
---@return string
function Message:get_default_type() end
---@param ctype string
function Message:set_default_type(ctype) end
---@return string?
function Message:get_content_charset(failobj) end
---@return (string|userdata)[]
function Message:get_charsets(failobj) end
---@return string?
function Message:get_filename(failobj) end
---@return string?
function Message:get_boundary(failobj) end
---@return {[1]: string, [2]: string}[]?
function Message:get_params(failobj, header) end
---@param param string
---@return string?
function Message:get_param(param, failobj, header) end
---@return string?
function Message:get_content_disposition() end
---@return string?
function Message:get_unixfrom() end
---@return string
function Message:as_string() end
---@return string
function Message:as_bytes() end

return email
