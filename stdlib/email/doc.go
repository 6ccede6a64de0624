// Package email is the Lua module "email": Python's email package, as much
// of it as mail scripts use, on the compat32 semantics of
// email.message_from_bytes.
//
//	local email = require("email")
//	local msg = email.message_from_bytes(raw)
//	print(email.header.decode(msg["Subject"]))
//	local name, addr = email.utils.parseaddr(msg:get("From", ""))
//	for part in msg:walk() do
//	  if part:get_content_maintype() == "text" then
//	    print(part:get_content())            -- decoded to UTF-8
//	  elseif part:get_filename() then
//	    save(part:get_filename(), part:get_payload(nil, true))
//	  end
//	end
//
// Module functions: message_from_string(s), message_from_bytes(s) (the
// same: Lua strings are bytes).
//
// Messages (userdata "email.Message"): msg["Name"] and msg:get(name,
// default) return the first field's raw value (folds kept, like compat32)
// or nil/default; msg["Name"] = v appends a field, msg["Name"] = nil removes
// them all; #msg counts fields; tostring(msg) is msg:as_string(). Methods:
// get_all, keys, values, items ({name, value} pairs), contains, add_header
// (name, value, {param=value}), replace_header, del, is_multipart, walk (an
// iterator), get_payload(i, decode) or get_payload{i=, decode=},
// get_content, get_content_type, get_content_maintype,
// get_content_subtype, get_default_type, set_default_type,
// get_content_charset, get_charsets, get_filename, get_boundary,
// get_params, get_param, get_content_disposition, get_unixfrom, as_string,
// as_bytes; fields defects (a list of Python defect class names), preamble
// and epilogue.
//
// Where Lua differs from Python:
//   - get_payload(i) counts i from 0, as Python does; the list returned by
//     get_payload() is a Lua array (from 1).
//   - get_payload() returns raw octets; get_payload(nil, true) the octets
//     with the transfer encoding undone; get_content() text parts decoded
//     from their charset to UTF-8 (UTF-8 when the charset is missing or
//     unknown, U+FFFD for undecodable octets) and other parts' octets.
//   - get_filename also decodes RFC 2047 encoded words, which Python leaves
//     to the caller.
//   - Python's None is nil as a return value and as the charset of a
//     decode_header pair; inside other tables (RFC 2231 triples of
//     get_params, get_charsets) it is the null sentinel of package null.
//   - Keyword arguments are a trailing options table:
//     msg:get_params{header="content-disposition"}.
//
// email.header: decode_header(s) returns {bytes, charset} pairs as Python
// does, and raises email.errors.HeaderParseError ("Base64 decoding
// error") for an encoded word whose base64 is broken; make_header(pairs)
// returns the joined UTF-8 string (not a Header object); decode(s) is
// make_header(decode_header(s)) but never fails (a broken word stays as
// it is); encode_word(s, charset) makes one encoded word.
//
// email.errors (also require("email.errors")): Python's exception classes
// MessageError, MessageParseError, HeaderParseError, BoundaryError,
// MultipartConversionError and CharsetError. An error raised by the module
// is a table {class, message, args}; Class:is(e) is Python's except.
//
// email.utils: parseaddr(s) returns name, addr (two values);
// getaddresses(values) a list of {name, addr}; formataddr({name, addr},
// charset) or formataddr(name, addr, charset), where a name that is not
// ASCII is encoded in charset (default utf-8) as Python's Charset encodes
// headers (Q for ISO-8859-*, B for the CJK charsets and KOI8-R);
// parsedate_to_datetime(s) returns the epoch
// seconds and the zone offset in seconds (nil for -0000 or an unknown
// zone), or nil and a message; parsedate_tz, parsedate, mktime_tz;
// format_datetime(epoch, offset, usegmt); formatdate(epoch, localtime,
// usegmt); make_msgid(idstring, domain); quote, unquote,
// collapse_rfc2231_value, decode_rfc2231.
//
// # Building messages
//
// email.message.EmailMessage() is Python's EmailMessage with the default
// policy; email.message.Message() the compat32 Message; also reachable as
// require("email.message"). Their output is Python's, byte for byte
// (compared with Python in a differential test):
//
//	local msg = email.message.EmailMessage()
//	msg["From"] = "Jöhn Döe <j@example.org>"  -- folded, RFC 2047 on output
//	msg["To"] = "a@example.org, B <b@example.org>"
//	msg["Subject"] = "Grüße"
//	msg:set_content("Hello\n")                 -- text/plain, utf-8, 7bit/8bit/qp/base64 as Python picks
//	msg:add_alternative("<p>Hello</p>\n", {subtype = "html"})
//	msg:add_attachment(data, "application", "pdf", {filename = "Größe.pdf"}) -- RFC 2231
//	local body = msg:get_body({"plain"})
//	for part in msg:iter_attachments() do print(part:get_filename()) end
//	local raw = msg:as_bytes()                  -- as_string re-encodes 8-bit text as Python does
//
// set_content, add_alternative, add_attachment and add_related take
// (text [, subtype] [, opts]) for text, (data, maintype, subtype [, opts])
// for bytes and (message [, opts]) for message/rfc822; opts holds
// Python's keyword arguments (subtype, charset, cte, disposition,
// filename, cid, params, headers). Other methods: make_mixed,
// make_alternative, make_related, get_body(preferencelist),
// iter_attachments, iter_parts, is_attachment, clear, clear_content.
// On an EmailMessage a header value holding CR or LF is refused with a
// ValueError (header injection is impossible), and a second Subject,
// From, To... too (the default policy's max counts).
//
// The compat32 building API works on every message: set_payload(payload
// [, charset]) (a list of messages makes a multipart), attach(part),
// set_param(param, value, {header=, requote=, charset=, language=,
// replace=}) (value a string or an RFC 2231 triple {charset, language,
// text}), del_param(param, {header=, requote=}), set_charset,
// set_boundary, replace_header (KeyError when absent), add_header(name,
// value, params) (params a table, sorted by name, or a list of {name,
// value} pairs in order; true or null for a bare name).
//
// email.mime.text.MIMEText(text, subtype, charset),
// email.mime.multipart.MIMEMultipart(subtype, boundary, parts, params),
// email.mime.base.MIMEBase(maintype, subtype, params),
// email.mime.nonmultipart.MIMENonMultipart, email.mime.application.
// MIMEApplication(data, subtype, params), email.mime.image.MIMEImage(data,
// subtype, params) and email.mime.message.MIMEMessage(msg, subtype) are
// Python's classes (also under require("email.mime.text") and so on);
// email.encoders has encode_base64, encode_quopri, encode_7or8bit and
// encode_noop. email.header.Header(s, charset) has append(s, charset),
// encode() and tostring(); a Header assigned to a field is written
// encoded. email.utils.localtime(epoch) returns the epoch and the local
// offset in seconds. Errors are raised as "email: ValueError: ...", with
// Python's class names.
//
// Charsets: UTF-8, US-ASCII, ISO-8859-*, Windows-125x, KOI8-R/U, GB2312,
// GBK, GB18030, Big5, Shift_JIS, EUC-JP, ISO-2022-JP, EUC-KR, UTF-16 and
// the IANA names golang.org/x/text knows, under Python's aliases.
//
// Charsets: every charset Python's codecs resolve, under all of Python's
// names and aliases. The single-byte ones (ISO-8859-*, Windows-125x, the
// Mac family, the DOS and EBCDIC code pages, KOI8-*, TIS-620, ...) decode
// with Python's own tables, generated from its codecs; the multi-byte ones
// (GB2312, GBK, GB18030, HZ, Big5, Shift_JIS, EUC-JP, ISO-2022-JP, EUC-KR,
// UTF-16, UTF-32) with golang.org/x/text, plus the IANA names x/text
// knows. Approximations: the JIS X 0213 variants (EUC-JIS-2004, Shift_JIS-
// 2004) and ISO-2022-JP-1/2/3 decode only what their base codec holds, and
// Big5's row 0xC6A1-0xC7FC decodes as WHATWG's kana where Python has
// Cyrillic. Not decoded: ISO-2022-KR, Johab, UTF-7 (read as UTF-8).
//
// Go programs (the mail module) use the same parser through Parse,
// Message, DecodeHeaderString, ParseAddresses and ParseDate.
package email
