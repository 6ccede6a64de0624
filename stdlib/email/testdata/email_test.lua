-- Lua tests of the email module, run by email_test.go through luatest.
local email = require("email")
local H, U = email.header, email.utils

local CRLF = "\r\n"
local function msgtext(lines) return table.concat(lines, CRLF) .. CRLF end

function TestDecodeHeader(t)
  local cases = {
    {"plain text", {{"plain text"}}, "plain text"},
    {"=?utf-8?q?caf=C3=A9?=", {{"caf\195\169", "utf-8"}}, "café"},
    {"Re: =?utf-8?q?caf=C3=A9?= ok", {{"Re: "}, {"caf\195\169", "utf-8"}, {" ok"}}, "Re: café ok"},
    {"=?utf-8?q?a?= =?utf-8?q?b?=", {{"ab", "utf-8"}}, "ab"},
    {"=?iso-8859-1?q?caf=E9?= =?utf-8?b?w6k=?=", {{"caf\233", "iso-8859-1"}, {"\195\169", "utf-8"}}, "caféé"},
    {"foo =?utf-8?q?bar?=\r\n baz", {{"foo "}, {"bar", "utf-8"}, {"baz"}}, "foo bar baz"},
    {"=?UTF-8?B?SGVsbG8=?=", {{"Hello", "utf-8"}}, "Hello"},
    {"=?koi8-r?b?8NLJ18XU?=", {{"\240\210\201\215\197\212", "koi8-r"}}, "Привет"},
    {"=?iso-2022-jp?b?GyRCJDMkcyRLJEEkTxsoQg==?=", {{"\27$B$3$s$K$A$O\27(B", "iso-2022-jp"}}, "こんにちは"},
    {"=?gb2312?b?xOO6ww==?=", {{"\196\227\186\195", "gb2312"}}, "你好"},
    {"=?utf-8?q?x?=(comment)", {{"x", "utf-8"}, {"(comment)"}}, "x(comment)"},
    {"=?big5?b?pKSk5Q==?=", {{"\164\164\164\229", "big5"}}, "中文"},
    {"=?shift_jis?b?k/qWe4zq?=", {{"\147\250\150\123\140\234", "shift_jis"}}, "日本語"},
    {"=?euc-kr?b?x9Gx2w==?=", {{"\199\209\177\219", "euc-kr"}}, "한글"},
    {"=?windows-1252?q?=80_5?=", {{"\128 5", "windows-1252"}}, "€ 5"},
  }
  for _, c in ipairs(cases) do
    t:eq(H.decode_header(c[1]), c[2], "decode_header " .. c[1])
    t:eq(H.make_header(H.decode_header(c[1])), c[3], "make_header " .. c[1])
    t:eq(H.decode(c[1]), c[3], "decode " .. c[1])
  end
end

function TestDecodeLenient(t)
  -- Where Python raises, the helper still returns text.
  local cases = {
    {"=?utf-8?b?SGVsbG8gd29ybGQ?=", "Hello world"},          -- missing padding
    {"=?x-unknown?q?caf=C3=A9?=", "café"},                     -- unknown charset: read as UTF-8
    {"=?utf-8?q?bad_=C3?=", "bad \239\191\189"},                  -- invalid UTF-8
    {"Gr\195\188\195\159e", "Grüße"},                           -- raw 8-bit UTF-8
    {"Gr\252\223e", "Gr\239\191\189\239\191\189e"},                     -- raw Latin-1: not UTF-8
    {"=?utf-8?b?A?=", "=?utf-8?b?A?="},                        -- undecodable base64 kept
  }
  for _, c in ipairs(cases) do
    t:eq(H.decode(c[1]), c[2], c[1])
  end
  t:eq(H.decode(nil), nil, "nil passes through")
end

function TestParseAddr(t)
  local cases = {
    {'"Doe, John" <john@example.com>', "Doe, John", "john@example.com"},
    {"john@example.com (John Doe)", "John Doe", "john@example.com"},
    {"undisclosed-recipients:;", "", ""},
    {"<a@b>", "", "a@b"},
    {"Bob <bob@[192.0.2.1]>", "Bob", "bob@[192.0.2.1]"},
    {"a@b@c", "", ""},
    {"", "", ""},
  }
  for _, c in ipairs(cases) do
    local name, addr = U.parseaddr(c[1])
    t:eq({name, addr}, {c[2], c[3]}, c[1])
  end
  t:eq({U.parseaddr(nil)}, {"", ""}, "nil")
  t:eq(U.getaddresses({"Mary Smith <mary@x.test>, jdoe@example.org", "a@b@c"}),
    {{"Mary Smith", "mary@x.test"}, {"", "jdoe@example.org"}, {"", ""}, {"", "@c"}})
  t:eq(U.getaddresses("team: a@x, b@y;"), {{"", "a@x"}, {"", "b@y"}})
end

function TestFormatAddr(t)
  t:eq(U.formataddr({"Jörg", "j@x.de"}), "=?utf-8?b?SsO2cmc=?= <j@x.de>")
  t:eq(U.formataddr({"Doe, John", "j@x"}), '"Doe, John" <j@x>')
  t:eq(U.formataddr("Say \"hi\"", "a@b"), '"Say \\"hi\\"" <a@b>')
  t:eq(U.formataddr({"", "a@b"}), "a@b")
  local ok, err = pcall(U.formataddr, "x", "jörg@x.de")
  t:eq(ok, false)
  t:eq(tostring(err):find("ASCII") ~= nil, true, "error names the problem")
end

function TestDates(t)
  local cases = {
    {"Tue, 5 Mar 2024 10:00:00 +0100", 1709629200, 3600, "Tue, 05 Mar 2024 10:00:00 +0100"},
    {"5 Mar 24 10:00 EST", 1709650800, -18000, "Tue, 05 Mar 2024 10:00:00 -0500"},
    {"Tue, 5 Mar 2024 10:00:00 -0000", 1709632800, nil, "Tue, 05 Mar 2024 10:00:00 -0000"},
    {"Tue, 5 Mar 2024 10:00:00 CEST", 1709632800, nil, "Tue, 05 Mar 2024 10:00:00 -0000"},
    {"Tue,5 Mar 2024 10.00.00 GMT", 1709632800, 0, "Tue, 05 Mar 2024 10:00:00 +0000"},
  }
  for _, c in ipairs(cases) do
    local e, off = U.parsedate_to_datetime(c[1])
    t:eq({e, off}, {c[2], c[3]}, c[1])
    t:eq(U.format_datetime(e, off), c[4], "format " .. c[1])
  end
  for _, bad in ipairs({"not a date", "", "31 Feb 2024 10:00 +0000", "1 Jan 2024 25:00 +0000"}) do
    local e, err = U.parsedate_to_datetime(bad)
    t:eq(e, nil, bad)
    t:eq(type(err), "string", "an error message for " .. bad)
  end
  t:eq(U.format_datetime(0, 0, true), "Thu, 01 Jan 1970 00:00:00 GMT")
  t:eq(U.parsedate_tz("Tue, 5 Mar 2024 10:00:00 +0100"), {2024, 3, 5, 10, 0, 0, 0, 1, -1, 3600})
  t:eq(U.mktime_tz(U.parsedate_tz("Tue, 5 Mar 2024 10:00:00 +0100")), 1709629200)
  t:eq(U.formatdate(0), "Thu, 01 Jan 1970 00:00:00 -0000")  -- Python: naive UTC is -0000
  t:eq(U.formatdate(0, false, true), "Thu, 01 Jan 1970 00:00:00 GMT")
end

function TestMakeMsgid(t)
  local id = U.make_msgid("abc", "example.com")
  t:eq(id:match("^<%d+%.%d+%.%d+%.abc@example%.com>$") ~= nil, true, id)
  t:eq(U.make_msgid(nil, "x.y") ~= U.make_msgid(nil, "x.y"), true, "unique")
end

local mixed = msgtext{
  "From: =?utf-8?q?J=C3=B6rg?= <jorg@example.com>",
  "To: a@example.com,",
  " \"Bob, Jr.\" <bob@example.com>",
  "Subject: =?iso-8859-1?q?Gr=FC=DFe?= aus",
  " =?utf-8?b?TcO8bmNoZW4=?=",
  "Date: Tue, 5 Mar 2024 10:00:00 +0100",
  "X-Tag: one",
  "X-Tag: two",
  "MIME-Version: 1.0",
  "Content-Type: multipart/mixed; boundary=\"XX\"",
  "",
  "preamble",
  "--XX",
  "Content-Type: multipart/alternative; boundary=YY",
  "",
  "--YY",
  "Content-Type: text/plain; charset=iso-8859-1",
  "Content-Transfer-Encoding: quoted-printable",
  "",
  "Gr=FC=DFe=",
  " aus M=FCnchen",
  "--YY",
  "Content-Type: text/html; charset=utf-8",
  "Content-Transfer-Encoding: base64",
  "",
  "PHA+R3LDvMOfZTwvcD4=",
  "--YY--",
  "--XX",
  "Content-Type: application/pdf; name=\"=?utf-8?b?w6RyZ2VyLnBkZg==?=\"",
  "Content-Disposition: attachment;",
  " filename*0*=utf-8''%C3%84rger%20mit;",
  " filename*1=\" der Post.pdf\"",
  "Content-Transfer-Encoding: base64",
  "",
  "JVBERi0xLjQK",
  "--XX",
  "Content-Type: message/rfc822",
  "",
  "From: inner@example.com",
  "Subject: inner",
  "",
  "inner body",
  "--XX--",
  "epilogue",
}

function TestMessageHeaders(t)
  local msg = email.message_from_bytes(mixed)
  t:eq(msg["Subject"], "=?iso-8859-1?q?Gr=FC=DFe?= aus\r\n =?utf-8?b?TcO8bmNoZW4=?=", "raw value keeps the fold")
  t:eq(H.decode(msg["subject"]), "Grüße aus München")
  t:eq(msg:get("X-Missing"), nil)
  t:eq(msg:get("X-Missing", "dflt"), "dflt")
  t:eq(msg:get_all("x-tag"), {"one", "two"})
  t:eq(msg:get_all("x-none"), nil)
  t:eq(msg:contains("DATE"), true)
  t:eq(#msg, 8)
  t:eq(msg:keys()[1], "From")
  t:eq(msg:items()[5], {"X-Tag", "one"})
  t:eq(msg:values()[6], "two")
  t:eq(U.getaddresses(msg:get_all("to")), {{"", "a@example.com"}, {"Bob, Jr.", "bob@example.com"}})
end

function TestMessageStructure(t)
  local msg = email.message_from_bytes(mixed)
  t:eq(msg:is_multipart(), true)
  t:eq(msg.preamble, "preamble")
  t:eq(msg.epilogue, "epilogue\r\n")
  t:eq(msg:get_boundary(), "XX")
  local types = {}
  for part in msg:walk() do types[#types + 1] = part:get_content_type() end
  t:eq(types, {"multipart/mixed", "multipart/alternative", "text/plain", "text/html",
    "application/pdf", "message/rfc822", "text/plain"})
  local parts = msg:get_payload()
  t:eq(#parts, 3)
  t:eq(msg:get_payload(0):get_content_type(), "multipart/alternative", "index from 0 as in Python")
  t:eq(msg:get_payload(-1):get_content_type(), "message/rfc822")
  t:eq(msg:get_payload(nil, true), nil, "decode of a multipart is None")
  local ok, err = pcall(msg.get_payload, msg, 3)
  t:eq(ok, false, "index out of range raises")
  local alt = parts[1]
  t:eq(alt:get_content_maintype(), "multipart")
  t:eq(alt:get_content_subtype(), "alternative")
  local plain, html = alt:get_payload(0), alt:get_payload(1)
  t:eq(plain:get_payload(), "Gr=FC=DFe=\r\n aus M=FCnchen")
  t:eq(plain:get_payload(nil, true), "Gr\252\223e aus M\252nchen")
  t:eq(plain:get_payload{decode = true}, "Gr\252\223e aus M\252nchen")
  t:eq(plain:get_content_charset(), "iso-8859-1")
  t:eq(plain:get_content(), "Grüße aus München")
  t:eq(html:get_content(), "<p>Grüße</p>")
  t:eq(msg:get_charsets(), {json_null, json_null, "iso-8859-1", "utf-8", json_null, json_null, json_null})
  local pdf = parts[2]
  t:eq(pdf:get_filename(), "Ärger mit der Post.pdf", "RFC 2231 continuation")
  t:eq(pdf:get_content_disposition(), "attachment")
  t:eq(pdf:get_content(), "%PDF-1.4\n")
  t:eq(pdf:get_param("name"), "=?utf-8?b?w6RyZ2VyLnBkZg==?=")
  t:eq(pdf:get_param("filename", nil, "content-disposition"), {"utf-8", "", "Ärger mit der Post.pdf"})
  t:eq(pdf:get_params{header = "content-disposition"},
    {{"attachment", ""}, {"filename", {"utf-8", "", "Ärger mit der Post.pdf"}}})
  t:eq(pdf:get_params(), {{"application/pdf", ""}, {"name", "=?utf-8?b?w6RyZ2VyLnBkZg==?="}})
  t:eq(pdf:get_params(nil, "content-type", false), {{"application/pdf", ""}, {"name", "\"=?utf-8?b?w6RyZ2VyLnBkZg==?=\""}})
  pdf:del("content-disposition")
  t:eq(pdf:get_filename(), "ärger.pdf", "encoded-word name from Content-Type")
  local rfc = parts[3]
  t:eq(rfc:is_multipart(), true, "message/rfc822 holds a list, as in Python")
  local inner = rfc:get_payload(0)
  t:eq(inner["Subject"], "inner")
  t:eq(inner:get_payload(), "inner body")
  t:eq(msg.defects, {})
end

function TestFilenames(t)
  local cases = {
    {'attachment; filename="plain name.txt"', "plain name.txt"},
    {"attachment; filename=plain.txt", "plain.txt"},
    {"attachment; filename*=iso-8859-1''caf%E9.txt", "café.txt"},
    {"attachment; filename*=UTF-8'de'%E2%82%AC.txt", "€.txt"},
    {'attachment; filename="=?utf-8?q?=E2=82=AC_rate.pdf?="', "€ rate.pdf"},
    {'attachment; filename="=?iso-8859-1?b?4XJ2b3Iud2F2?="', "árvor.wav"},
    {"attachment; filename*0=\"long \"; filename*1=\"name.txt\"", "long name.txt"},
    {"attachment; FILENAME=  spaced.txt  ", "spaced.txt"},
    {"attachment", nil},
  }
  for _, c in ipairs(cases) do
    local m = email.message_from_string("Content-Disposition: " .. c[1] .. "\n\nx")
    t:eq(m:get_filename(), c[2], c[1])
  end
end

function TestContentTypes(t)
  local cases = {
    {"text/HTML; charset=UTF-8", "text/html", "utf-8"},
    {"text", "text/plain", nil},
    {"image/ png", "image/ png", nil},
    {"text/plain/extra", "text/plain", nil},
    {"Text/Plain ; charset=\"ISO-8859-1\"", "text/plain", "iso-8859-1"},
    {nil, "text/plain", nil},
  }
  for _, c in ipairs(cases) do
    local src = c[1] and ("Content-Type: " .. c[1] .. "\n\nbody") or "Subject: x\n\nbody"
    local m = email.message_from_string(src)
    t:eq(m:get_content_type(), c[2], tostring(c[1]))
    t:eq(m:get_content_charset(), c[3], "charset of " .. tostring(c[1]))
  end
end

function TestBrokenMIME(t)
  local cases = {
    {"no close boundary", "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhello\n",
      {"CloseBoundaryNotFoundDefect"}, 1},
    {"no start boundary", "Content-Type: multipart/mixed; boundary=b\n\njust text\n",
      {"StartBoundaryNotFoundDefect", "MultipartInvariantViolationDefect"}, 0},
    {"no boundary", "Content-Type: multipart/mixed\n\n--b\n\nx\n",
      {"NoBoundaryInMultipartDefect", "MultipartInvariantViolationDefect"}, 0},
    {"continuation first", " folded\nSubject: x\n\nbody", {"FirstHeaderLineIsContinuationDefect"}, 0},
    {"no separator", "Subject: x\nthis is body\n", {"MissingHeaderBodySeparatorDefect"}, 0},
    {"empty", "", {}, 0},
  }
  for _, c in ipairs(cases) do
    local m = email.message_from_string(c[2])
    t:eq(m.defects, c[3], c[1])
    local n = 0
    if m:is_multipart() then n = #m:get_payload() end
    t:eq(n, c[4], c[1] .. ": parts")
  end
  local m = email.message_from_string("Subject: x\nthis is body\n")
  t:eq(m:get_payload(), "this is body\n", "the non-header line starts the body")
  local b64 = email.message_from_string("Content-Transfer-Encoding: base64\n\nSGVsbG8*gd29y!bGQh\n")
  t:eq(b64:get_payload(nil, true), "Hello world!")
  t:eq(b64.defects, {"InvalidBase64CharactersDefect"})
  local qp = email.message_from_string("Content-Transfer-Encoding: quoted-printable\n\na=ZZb=3Dc==d=\n")
  t:eq(qp:get_payload(nil, true), "a=ZZb=c=d")
end

function TestSetHeaders(t)
  local m = email.message_from_string("Subject: old\n\nbody\n")
  m["X-New"] = "value"
  t:eq(m["x-new"], "value")
  m["Subject"] = nil
  t:eq(m["Subject"], nil)
  m:add_header("Content-Disposition", "attachment", {filename = "résumé.pdf"})
  t:eq(m["Content-Disposition"], "attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf")
  t:eq(m:get_filename(), "résumé.pdf")
  m:replace_header("X-New", "other")
  t:eq(m["X-New"], "other")
  t:eq(pcall(m.replace_header, m, "X-None", "v"), false)
  local ok, err = pcall(function() m["X-Evil"] = "a\r\nBcc: victim@example.com" end)
  t:eq(ok, false, "header injection is refused")
  t:eq(tostring(err):find("injection") ~= nil, true, tostring(err))
  ok = pcall(function() m["Bad Name"] = "v" end)
  t:eq(ok, false, "a name with a space is refused")
  m["X-Folded"] = "a\r\n b"
  t:eq(m:as_string(), "X-New: other\nContent-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf\nX-Folded: a\n b\n\nbody\n")
  t:eq(tostring(m), m:as_string())
end

function TestAsStringRoundTrip(t)
  local msg = email.message_from_bytes(mixed)
  local again = email.message_from_string(msg:as_string())
  local a, b = {}, {}
  for p in msg:walk() do a[#a + 1] = {p:get_content_type(), p:get_filename(), p:get_content()} end
  for p in again:walk() do b[#b + 1] = {p:get_content_type(), p:get_filename(), p:get_content()} end
  t:eq(b, a)
  t:eq(again:as_string(), msg:as_string(), "as_string is stable")
end

function TestUtilsSmall(t)
  t:eq(U.quote('a"b\\c'), 'a\\"b\\\\c')
  t:eq(U.unquote('"a\\"b"'), 'a"b')
  t:eq(U.unquote("<id@x>"), "id@x")
  t:eq({U.decode_rfc2231("utf-8'en'abc")}, {"utf-8", "en", "abc"})
  t:eq(select(3, U.decode_rfc2231("abc")), "abc")
  t:eq(U.collapse_rfc2231_value({"iso-8859-1", "", "caf\233"}), "café")
  t:eq(U.collapse_rfc2231_value('"quoted"'), "quoted")
  t:eq(H.encode_word("café"), "=?utf-8?b?Y2Fmw6k=?=")
  t:eq(H.encode_word("ab cd é"), "=?utf-8?q?ab_cd_=C3=A9?=")
  t:eq(H.decode(H.encode_word("日本語のテキスト")), "日本語のテキスト")
end

function TestHeaderObject(t)
  local h = H.Header("Grüße", "utf-8")
  h:append("and more")
  t:eq(h:encode():find("=?utf-8?", 1, true) ~= nil, true, h:encode())
  t:eq(tostring(h):find("^Grüße +and more$") ~= nil, true, tostring(h))
  local ok, e = pcall(function() return h.encdoe end)
  t:eq(ok, false)
  t:eq(tostring(e):find('did you mean "encode"', 1, true) ~= nil, true, tostring(e))
  ok, e = pcall(h.encode, "not a header")
  t:eq(ok, false)
  t:eq(tostring(e):find("email.header.Header expected", 1, true) ~= nil, true, tostring(e))
end
