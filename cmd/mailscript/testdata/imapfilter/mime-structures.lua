-- The structure and parts of MIME messages the corpus does not have:
-- nested multiparts, attached messages, file names in RFC 2231 and RFC
-- 2047 forms, with quotes, non-ASCII and in upper case, messages
-- without a Content-Type; then what options.cache keeps of a message
-- after it is moved away. The messages are appended first. Written for
-- the differential test; it prints what each call returns.

account = IMAP {
    server = 'imap.example.com',
    username = 'me',
    password = 'pw',
}
options.info = false

local function show(v)
    if type(v) ~= 'table' then return type(v) .. ':' .. tostring(v) end
    local keys = {}
    for k in pairs(v) do
        if type(v[k]) ~= 'function' and k ~= '_mt' then table.insert(keys, k) end
    end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    local parts = {}
    for _, k in ipairs(keys) do
        table.insert(parts, tostring(k) .. '=' .. show(v[k]))
    end
    return '{' .. table.concat(parts, ', ') .. '}'
end

-- parts shows a structure without the encoding of each part, which
-- imapfilter gives from 2.8.3 on.
local function parts(structure)
    if type(structure) ~= 'table' then return show(structure) end
    local t = {}
    for k, p in pairs(structure) do
        t[k] = { type = p.type, size = p.size, name = p.name }
    end
    return show(t)
end

local function mime(subject, ct, body)
    local h = 'From: mime@example.com\r\nTo: alice@example.org\r\nSubject: ' .. subject .. '\r\nMIME-Version: 1.0\r\n'
    if ct then h = h .. 'Content-Type: ' .. ct .. '\r\n' end
    return h .. '\r\n' .. body
end

local inner = 'From: inner@example.com\r\nSubject: inner\r\nMIME-Version: 1.0\r\n' ..
    'Content-Type: multipart/alternative; boundary="in"\r\n\r\n' ..
    '--in\r\nContent-Type: text/plain\r\n\r\ninner plain\r\n' ..
    '--in\r\nContent-Type: text/html\r\n\r\n<p>inner html</p>\r\n--in--\r\n'

local msgs = {
    mime('nested', 'multipart/mixed; boundary="out"',
        '--out\r\nContent-Type: multipart/alternative; boundary="alt"\r\n\r\n' ..
        '--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain\r\n' ..
        '--alt\r\nContent-Type: text/html\r\n\r\n<b>html</b>\r\n--alt--\r\n' ..
        '--out\r\nContent-Type: application/pdf; name="doc.pdf"\r\n' ..
        'Content-Disposition: attachment; filename="report.pdf"\r\n' ..
        'Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--out--\r\n'),
    mime('attached message', 'multipart/mixed; boundary="m"',
        '--m\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n' ..
        '--m\r\nContent-Type: message/rfc822\r\n\r\n' .. inner .. '--m--\r\n'),
    mime('attached simple', 'multipart/mixed; boundary="m"',
        '--m\r\nContent-Type: message/rfc822; name="fwd.eml"\r\n\r\n' ..
        'From: x@example.com\r\nSubject: simple\r\n\r\njust text\r\n--m--\r\n'),
    mime('rfc2231', 'multipart/mixed; boundary="m"',
        '--m\r\nContent-Type: application/octet-stream\r\n' ..
        "Content-Disposition: attachment; filename*=UTF-8''%C3%BCber%20alles.txt\r\n\r\nx\r\n" ..
        '--m\r\nContent-Type: application/octet-stream;\r\n name*0="long"; name*1="name.bin"\r\n\r\ny\r\n--m--\r\n'),
    mime('rfc2047', 'multipart/mixed; boundary="m"',
        '--m\r\nContent-Type: application/octet-stream; name="=?UTF-8?Q?=C3=BCber.txt?="\r\n\r\nx\r\n' ..
        '--m\r\nContent-Type: text/plain\r\nContent-Disposition: inline\r\n\r\ninline\r\n--m--\r\n'),
    mime('utf8 name', 'multipart/mixed; boundary="m"',
        '--m\r\nContent-Type: application/octet-stream; name="Grüße.txt"\r\n\r\nx\r\n--m--\r\n'),
    mime('utf8 description', 'multipart/mixed; boundary="m"',
        '--m\r\nContent-Type: text/plain\r\nContent-Description: Übersicht\r\n\r\nx\r\n--m--\r\n'),
    mime('utf8 attached subject', 'multipart/mixed; boundary="m"',
        '--m\r\nContent-Type: message/rfc822\r\n\r\n' ..
        'From: x@example.com\r\nSubject: Grüße\r\n\r\njust text\r\n--m--\r\n'),
    mime('backslash', 'multipart/mixed; boundary="m"',
        '--m\r\nContent-Type: application/octet-stream; name="C:\\\\dir\\\\f.txt"\r\n\r\nx\r\n' ..
        '--m\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=a\\b.txt\r\n\r\ny\r\n--m--\r\n'),
    mime('upper', 'MULTIPART/MIXED; BOUNDARY="m"',
        '--m\r\nContent-Type: TEXT/HTML; NAME="PAGE.HTM"\r\n\r\n<p>x</p>\r\n' ..
        '--m\r\nContent-Type: Image/PNG\r\nContent-Disposition: ATTACHMENT; FILENAME="PIC.PNG"\r\n\r\nx\r\n--m--\r\n'),
    mime('no content type', nil, 'plain body\r\n'),
    mime('bad multipart', 'multipart/mixed', 'no boundary here\r\n'),
    mime('empty multipart', 'multipart/mixed; boundary="m"', 'preamble only\r\n--m--\r\n'),
    mime('disposition only', 'multipart/mixed; boundary="m"',
        '--m\r\nContent-Disposition: attachment; filename="noct.dat"\r\n\r\nx\r\n--m--\r\n'),
}
local box = account['mime/probe']
for _, m in ipairs(msgs) do box:append_message(m) end

for _, v in ipairs(box:select_all()) do
    local uid = v[2]
    local m = box[uid]
    local s = m:fetch_structure()
    print(uid, m:fetch_field('Subject'), parts(s))
    if type(s) == 'table' then
        local keys = {}
        for k in pairs(s) do table.insert(keys, k) end
        table.sort(keys)
        for _, k in ipairs(keys) do
            print('', k, show(m:fetch_part(k)))
        end
    end
end

-- Structures imapfilter's parser stops at, with an error: a file name
-- with quotes, a description ending in a backslash (the Subject with
-- quotes of an attached message comes as a literal: no structure).
local q = account['mime/quotes']
q:append_message(mime('quoted name', 'multipart/mixed; boundary="m"',
    '--m\r\nContent-Type: application/octet-stream; name="a \\"quoted\\" name.bin"\r\n\r\nx\r\n--m--\r\n'))
q:append_message(mime('plain', nil, 'x\r\n'))
q:append_message(mime('ends in backslash', 'multipart/mixed; boundary="m"',
    '--m\r\nContent-Type: text/plain\r\nContent-Description: ends\\\r\n\r\nt\r\n--m--\r\n'))
q:append_message(mime('quoted attached subject', 'multipart/mixed; boundary="m"',
    '--m\r\nContent-Type: message/rfc822\r\n\r\nFrom: x@example.com\r\nSubject: Re: "x"\r\n\r\nt\r\n--m--\r\n'))
q:append_message(mime('plain again', nil, 'y\r\n'))
local all = q:select_all()
for _, v in ipairs(all) do
    local ok, s = pcall(function() return q[v[2]]:fetch_structure() end)
    print('quotes', v[2], ok, ok and parts(s) or '')
end
print('quotes again', (pcall(function() return q[1]:fetch_structure() end)))
local ok = pcall(function() return q:fetch_structure(all) end)
local plain = q:fetch_structure(q:contain_subject('plain'))
print('quotes mailbox', ok, parts(plain[2]), parts(plain[5]))

-- What options.cache keeps of a message after it is moved away.
local inbox = account.INBOX
local tux = inbox:contain_from('tux@penguin.land')
local t1
for _, v in ipairs(tux) do if t1 == nil or v[2] < t1 then t1 = v[2] end end
local m = inbox[t1]
print('before', #m:fetch_header(), #m:fetch_body(), m:fetch_size(), m:fetch_field('Subject'),
    parts(m:fetch_structure()), show(m:fetch_part('1')), m:fetch_date() ~= nil, show(m:fetch_flags()))
print('move', tux:move_messages(account.Trash))
print('after', show(m:fetch_header() and #m:fetch_header()), show(m:fetch_body() and #m:fetch_body()),
    show(m:fetch_size()), show(m:fetch_field('Subject')), show(m:fetch_field('From')),
    parts(m:fetch_structure()), show(m:fetch_part('1')), show(m:fetch_date() ~= nil), show(m:fetch_flags()),
    show(m:fetch_message() and #m:fetch_message()))
print('mailbox after', show(inbox:fetch_size(tux)), show(inbox:fetch_fields({ 'Subject' }, tux)))
options.cache = false
print('nocache after', show(m:fetch_header()), show(m:fetch_size()), show(m:fetch_field('Subject')),
    parts(m:fetch_structure()), show(m:fetch_part('1')))
options.cache = true
print('cache again', show(m:fetch_size()), show(m:fetch_part('1')))
