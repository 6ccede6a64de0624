-- Header and body matching corners the other configs do not reach:
-- fields that occur twice, folded fields, names in other letter cases,
-- empty and missing fields, a colon after a space or a tab, encoded
-- words, tabs, quotes and backslashes; match_* with PCRE features
-- ((?i), \b, \d, \s, lazy quantifiers, alternation, anchors on CRLF
-- text, classes with escapes, patterns that match the empty string);
-- what regex_search returns for them; contain_* with quotes and
-- backslashes. The messages are those of the "headers" mailbox (UID n
-- is message hNN of the corpus). Written for the differential test; it
-- prints what each call returns.

account = IMAP {
    server = 'imap.example.com',
    username = 'me',
    password = 'pw',
}
options.info = false

-- uids shows a result as its size and its sorted UIDs.
local function uids(set)
    local t = {}
    for _, v in ipairs(set) do table.insert(t, tonumber(v[2])) end
    table.sort(t)
    return #set .. ' [' .. table.concat(t, ' ') .. ']'
end

-- esc shows a string with its control bytes, quotes and backslashes as
-- \ddd (%q writes a newline differently from one Lua to another).
local function esc(s)
    return '"' .. (string.gsub(s, '[%c"\\]', function(c)
        return string.format('\\%03d', string.byte(c))
    end)) .. '"'
end

-- vals shows all the values a call returned, and how many.
local function vals(...)
    local n = select('#', ...)
    local t = { ... }
    local out = {}
    for i = 1, n do
        local v = t[i]
        if type(v) == 'string' then
            table.insert(out, esc(v))
        else
            table.insert(out, tostring(v))
        end
    end
    return n .. ': ' .. table.concat(out, ', ')
end

-- bykey shows a table {uid = text} with its keys sorted.
local function bykey(t)
    if t == nil then return 'nil' end
    local keys = {}
    for k in pairs(t) do table.insert(keys, k) end
    table.sort(keys)
    local out = {}
    for _, k in ipairs(keys) do table.insert(out, k .. '=' .. esc(t[k])) end
    return table.concat(out, ' ')
end

local box = account.headers
local all = box:select_all()
print('messages', uids(all))

-- Each field as fetched: one request a field and message without the
-- cache, taken from whole headers with it (20 messages at once).
local fields = { 'Subject', 'subject', 'X-Label', 'x-label', 'Received', 'X-Empty',
                 'X-Blank', 'X-Tab', 'X-Odd', 'X-After', 'X-Missing', 'To' }
for _, f in ipairs(fields) do
    options.cache = false
    local server = bykey(box:fetch_fields({ f }, all))
    options.cache = true
    local whole = bykey(box:fetch_fields({ f }, all))
    print('field ' .. f, server)
    if whole ~= server then print('field ' .. f .. ' cached', whole) end
end
options.cache = false
print('fields two', bykey(box:fetch_fields({ 'Subject', 'X-Label' }, all)))
options.cache = true
print('fields two cached', bykey(box:fetch_fields({ 'Subject', 'X-Label' }, all)))

-- One message at a time, as a loop over a result does.
for _, v in ipairs(all) do
    local m = box[v[2]]
    print('message', v[2], esc(m:fetch_field('Subject')), esc(m:fetch_field('X-Label')),
          esc(m:fetch_fields({ 'From', 'X-Odd' })))
end

-- match_field: each pattern without the cache (the server's fields),
-- then with it (fields taken from whole headers).
local probes = {
    { 'Subject', '' },
    { 'Subject', '^$' },
    { 'Subject', '^\\s*$' },
    { 'Subject', '^\\r$' },
    { 'Subject', '.' },
    { 'Subject', '\\t' },
    { 'Subject', '^tab\\there$' },
    { 'Subject', '^tab\\s' },
    { 'Subject', '^a folded\\r\\n subject line$' },
    { 'Subject', 'folded.*line' },
    { 'Subject', '(?s)folded.*line' },
    { 'Subject', 'folded\\s+subject' },
    { 'Subject', '^=\\?utf-8\\?' },
    { 'Subject', '(?i)^=\\?utf-8\\?[bq]\\?' },
    { 'Subject', 'caf' },
    { 'Subject', '\\?=\\s+=\\?' },
    { 'Subject', '^nospace$' },
    { 'Subject', '^  padded  $' },
    { 'Subject', '^first subject\\r\\nSubject: second subject$' },
    { 'Subject', '^second' },
    { 'Subject', 'second subject$' },
    { 'Subject', '(?m)^Subject: second' },
    { 'Subject', 'SHOUTING' },
    { 'Subject', '^spaced colon$' },
    { 'Subject', '"hi" \\\\ back' },
    { 'Subject', '^one\\r\\n\\ttwo\\r\\n   three$' },
    { 'Subject', '\\bthree\\b' },
    { 'Subject', '^colonless line$' },
    { 'Subject', '(?i)^(two|SHOUTING|empty)\\b' },
    { 'Subject', '^\\w+ \\w+$' },
    { 'Subject', '^[^ ]+$' },
    { 'Subject', '[\\t\\\\"]' },
    { 'Subject', 'x*' },
    { 'Subject', '^.*?e' },
    { 'X-Label', 'second' },
    { 'X-Label', '^first$' },
    { 'X-Label', '^first\\r\\nX-Label: second$' },
    { 'X-Label', '(?m)^X-Label: second$' },
    { 'X-Label', '(?m)^first\\r$' },
    { 'x-label', '^upper\\r\\nx-label: lower$' },
    { 'X-LABEL', 'lower' },
    { 'X-Label', '^mixed$' },
    { 'X-Label', 'tabbed' },
    { 'X-Label', '^after long$' },
    { 'X-Empty', '^$' },
    { 'X-Empty', '' },
    { 'X-Empty', '.' },
    { 'X-Blank', '^$' },
    { 'X-Blank', '^ $' },
    { 'X-Tab', '^\\tafter tab$' },
    { 'X-Tab', '^after' },
    { 'X-Time', '^10:30$' },
    { 'X-Time', '^\\d\\d:\\d\\d$' },
    { 'X-Odd', 'continued' },
    { 'X-Odd', '^start\\r\\n \\r\\n continued$' },
    { 'X-After', 'after' },
    { 'Received', '^from a\\.example' },
    { 'Received', 'd\\.example' },
    { 'Received', '\\r\\n\\tby' },
    { 'Received', '(?m)^Received: from c' },
    { 'Received', '\\+0000$' },
    { 'X-Missing', '' },
    { 'X-Missing', '^\\r$' },
    { 'X-Missing', '\\s' },
    { 'To', '^alice@example\\.org$' },
    { 'From', '(?i)^loud@' },
    { 'From', '@EXAMPLE\\.COM$' },
    { 'From', '^(Multi|Sig) <' },
}
for _, p in ipairs(probes) do
    options.cache = false
    local server = uids(box:match_field(p[1], p[2]))
    local few = uids(box:match_field(p[1], p[2], box:contain_field('Message-ID', 'h0')))
    options.cache = true
    local whole = uids(box:match_field(p[1], p[2]))
    print('match_field ' .. p[1] .. ' ' .. esc(p[2]), server, few, whole)
end

-- The shorthands.
print('match_subject missing', uids(box:match_subject('^\\r?$')))
print('match_subject tab', uids(box:match_subject('\\t')))
print('match_subject encoded', uids(box:match_subject('^=\\?UTF-8\\?Q\\?caf=C3=A9\\?=')))
print('match_from case', uids(box:match_from('(?i)loud')))
print('match_to missing', uids(box:match_to('^\\r$')))
print('match_cc missing', uids(box:match_cc('^\\r$')), uids(box:match_cc('.')))

-- match_header on whole headers, CRLF lines, the blank line at the end.
for _, p in ipairs({
    '(?m)^X-Label: second\\r$',
    '(?mi)^x-label\\s*:',
    '^Message-ID: <h\\d+@',
    '\\r\\n\\r\\n$',
    '\\r\\n$',
    '[^\\n]$',
    '(?m)^\\r$',
    '(?m)^\\r?$',
    'Subject: tab\\there',
    '\\nSubject:\\s*\\r\\n',
    '\\nSubject:\\r\\n',
    '(?m)^\\s+continued',
    '(?m)^This line has no colon\\r$',
    '(?i)^from:',
    '(?m)^From: .*\\r$',
    '(?m)^[a-z-]+:',
    '(?m)^(From|FROM): [^@]+@(?i)example\\.com\\r$',
    'Received: from a\\.example.*\\r\\nReceived: from c',
}) do
    print('match_header ' .. esc(p), uids(box:match_header(p)))
end

-- match_body on bodies of several CRLF lines, without a final newline,
-- empty and missing.
for _, p in ipairs({
    '^line one\\r\\nline two',
    '(?m)^line two\\r$',
    'line two$',
    'end\\r$',
    'end$',
    'newline$',
    '\\$\\d+',
    '\\d+-\\d+',
    '(?m)^-- \\r$',
    '^$',
    '\\A\\z',
    '^\\s*$',
    'tab\\there',
    'space \\r$',
    'space $',
    '"quoted"',
    'C:\\\\dir\\\\file',
    'C:\\\\path',
    '(?s)Dear.*sig',
    'Dear.*sig',
    '(?i)DEAR alice',
    '\\bsig\\b',
    '.',
    'x*',
    '^(line|tab|path|Dear)\\b',
    '[\\r\\n]{4}',
    '\\r\\n\\r\\n',
    '^[^\\r]*\\r\\n$',
}) do
    print('match_body ' .. esc(p), uids(box:match_body(p)))
end

for _, p in ipairs({
    '\\r\\n\\r\\nline one',
    '(?m)^Subject: tab\\t',
    '^Message-ID: <h13@',
    'header only\\r\\n$',
    'empty body\\r\\n\\r\\n$',
    '(?s)X-After: after it.*body of h19',
    '^[^\\n]*$',
    '(?m)^$',
}) do
    print('match_message ' .. esc(p), uids(box:match_message(p)))
end

-- match_* within a result, and on a result of two mailboxes.
print('match within', uids(box:contain_from('example'):match_field('X-Label', 'l')))
print('match set', uids((box:select_all() + account.INBOX:contain_from('odd')):match_field('X-Folded', 'second')))

-- contain_*: the server's search, with names in other cases, folded
-- and encoded fields, and strings with quotes and backslashes (sent
-- between quotes as they are, so \" and \\ are the server's escapes).
for _, c in ipairs({
    { 'X-Label', 'second' },
    { 'x-label', 'SECOND' },
    { 'X-LABEL', 'mixed' },
    { 'Received', 'd.example' },
    { 'X-Empty', '' },
    { 'X-Missing', '' },
    { 'Subject', '' },
    { 'X-Odd', 'continued' },
    { 'X-Odd', 'start continued' },
    { 'Subject', 'subject line' },
    { 'Subject', 'folded subject' },
    { 'Subject', 'caf\195\169' },
    { 'Subject', 'caf\195\169 cr\195\168me' },
    { 'Subject', '\195\169clair' },
    { 'Subject', 'tab\there' },
    { 'Subject', 'shouting' },
    { 'Subject', 'spaced colon' },
    { 'Subject', '\\"hi\\" \\\\ back' },
    { 'Subject', 'one two' },
    { 'X-After', 'after' },
}) do
    print('contain_field ' .. c[1] .. ' ' .. esc(c[2]), uids(box:contain_field(c[1], c[2])))
end
print('contain_subject', uids(box:contain_subject('')), uids(box:contain_subject('SUBJECT')))
print('contain_header', uids(box:contain_header('second')), uids(box:contain_header('Received')))
print('contain_body quote', uids(box:contain_body('\\"hi\\"')), uids(box:contain_body('\\"quoted\\"')))
print('contain_body backslash', uids(box:contain_body('C:\\\\path')), uids(box:contain_body('C:\\\\dir\\\\file')))
print('contain_body bare quote', uids(box:contain_body('say "hi"')))
print('contain_body bare backslash', uids(box:contain_body('C:\\dir')))
print('contain_body multi-line', uids(box:contain_body('line one line two')), uids(box:contain_body('two\r\n')))
print('contain_message', uids(box:contain_message('\\"hi\\" \\\\ back')), uids(box:contain_message('colon')))
print('contain_body empty', uids(box:contain_body('')))

-- regex_search: what it returns (the match, then the captures up to the
-- last one set; false without a match). Left out, as documented
-- differences of RE2 and PCRE (docs/imapfilter.md), on a text ending in
-- a newline: a $ that holds before that newline in a match that goes on
-- to take it (a$\n: no match under mailscript), a multiline ^ after it
-- in a match that took it ((?m)\n^: a match under mailscript only), and
-- a lazy pattern that may stop before it or take it (\s*?$: mailscript
-- gives the longer match).
for _, r in ipairs({
    { '(?i)HELLO', 'say hello' },
    { '\\bcat\\b', 'concat cat' },
    { '\\Bcat', 'concat cat' },
    { '\\d+', 'abc 123 45' },
    { '\\s+', 'a \t\r\nb' },
    { '\\S+\\s*$', 'one two\r\n' },
    { 'a.*?b', 'aXbYb' },
    { 'a.*b', 'aXbYb' },
    { 'a.+?', 'abc' },
    { 'a??b', 'ab' },
    { 'cat|category', 'category' },
    { '(cat|category)s?', 'categorys' },
    { '^b', 'a\nb' },
    { '(?m)^b', 'a\nb' },
    { '(?m)a$', 'a\r\nb' },
    { '(?m)a\\r$', 'a\r\nb' },
    { 'a$', 'a\r\n' },
    { 'a\\r$', 'a\r\n' },
    { 'a$', 'a\n\n' },
    { '^$', '' },
    { '^$', '\n' },
    { '$', 'abc\n' },
    { '(?m)^$', 'a\n\nb' },
    { '(?m)^$', 'a\n' },
    { '(?m)^\\s*$', 'a\r\n' },
    { 'a\\z|b$', 'a\n' },
    { '(?m)^.*$', 'a\nb' },
    { '(?m)b$', 'a\nb\n' },
    { 'a.b', 'a\rb' },
    { '(?s)a.b', 'a\nb' },
    { '[^a]', '\n' },
    { '[\\t ]+', 'x \t y' },
    { '[\\]\\\\]+', 'a]\\b' },
    { '[^\\s]+', '  word  ' },
    { '[\\d-]+', 'tel 12-34' },
    { '[a\\-z]+', 'x-az' },
    { '[.]', 'a.b' },
    { '[\\w.]+@[\\w.]+', 'mail bob.x@ex.org now' },
    { '[\\r\\n]+', 'a\r\n\r\nb' },
    { 'x*', 'abc' },
    { 'x*', 'xxabc' },
    { '(x*)(a)', 'xxabc' },
    { '()', 'a' },
    { '(|a)', 'a' },
    { '(a)|(b)', 'b' },
    { '(a)|(b)', 'a' },
    { '(a)?(b)?(c)?', 'b' },
    { '((a)(b))', 'ab' },
    { '(?:a)(b)', 'ab' },
    { '(?P<key>\\w+)=(\\d+)', 'key=42' },
    { '\\Qa.b\\E', 'a.b' },
    { '\\Qa.b\\E', 'axb' },
    { '\\x41', 'A' },
    { '[[:alpha:]]+', '12abc3' },
    { '[[:^digit:]]+', '12ab3' },
    { '\\Aab', 'ab' },
    { 'ab\\z', 'ab\n' },
    { 'a{,3}', 'a{,3}' },
    { 'a{2}', 'aaa' },
    { 'a{2,}?', 'aaaa' },
    { '(?U)a+', 'aaa' },
    { '(?i)[a-c]+', 'ABCd' },
    { '\\.', 'a.b' },
    { '\\\\', 'a\\b' },
    { '"', 'say "hi"' },
    { 'b', 'a\0b' },
    { '\\w+', 'na\195\175ve' },
    { '\\W', 'a b' },
    { 'Subject: (.*)\\r$', 'Subject: tab\there\r\n' },
    { '^([^:]+):\\s*(.*?)\\s*$', 'X-Label:  spaced  \r\n' },
    { '=\\?([^?]+)\\?([BbQq])\\?([^?]*)\\?=', '=?utf-8?b?w6ljbGFpcg==?= and more' },
}) do
    print('regex ' .. esc(r[1]) .. ' ' .. esc(r[2]), vals(regex_search(r[1], r[2])))
end
