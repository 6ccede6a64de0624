-- Searches with non-ASCII strings (contain_*, options.charset) and match_*
-- on headers that are RFC 2047 encoded or carry raw 8-bit bytes, on
-- messages appended first; then error paths: a mailbox that does not
-- exist used as a source, pcall around API calls, recover around a
-- function that raises an error, and an error that ends the config.
-- Written for the differential test; it prints what each call returns.

account = IMAP {
    server = 'imap.example.com',
    username = 'me',
    password = 'pw',
}
options.info = false
local function uids(set)
    local t = {}
    for _, v in ipairs(set) do table.insert(t, v[1]._mailbox .. ':' .. v[2]) end
    table.sort(t)
    return #set .. ' [' .. table.concat(t, ' ') .. ']'
end
local msgs = {
  'From: =?ISO-8859-1?Q?J=F6rg_M=FCller?= <joerg@example.de>\r\nTo: alice@example.org\r\nSubject: =?ISO-8859-1?Q?F=FCr_dich?=\r\nMessage-ID: <p-latin1@probe>\r\n\r\nGr\252\252e\r\n',
  'From: "Jürgen Für" <fuer@example.de>\r\nTo: alice@example.org\r\nSubject: für dich, raw utf-8\r\nMessage-ID: <p-raw8@probe>\r\n\r\nmit Grüßen\r\n',
  'From: =?UTF-8?B?0JjQstCw0L0=?= <ivan@example.ru>\r\nTo: alice@example.org\r\nSubject: =?UTF-8?B?0J/RgNC40LLQtdGC?=\r\nMessage-ID: <p-b64@probe>\r\n\r\nпривет\r\n',
  'From: latin1 <l1@example.de>\r\nTo: alice@example.org\r\nSubject: raw latin1 f\252r\r\nMessage-ID: <p-raw-latin1@probe>\r\n\r\nx\r\n',
}
for _, m in ipairs(msgs) do print('append', account.INBOX:append_message(m)) end
local box = account.INBOX
print('contain_subject für', uids(box:contain_subject('für')))
print('contain_subject Für', uids(box:contain_subject('Für')))
print('contain_from Jürgen', uids(box:contain_from('Jürgen')))
print('contain_from Jörg', uids(box:contain_from('Jörg')))
print('contain_subject Привет', uids(box:contain_subject('Привет')))
print('contain_body Grüßen', uids(box:contain_body('Grüßen')))
print('contain_message привет', uids(box:contain_message('привет')))
print('contain_field', uids(box:contain_field('Subject', 'dich')))
print('match_subject für', uids(box:match_subject('für')))
print('match_subject =?', uids(box:match_subject('=\\?ISO-8859-1\\?Q\\?F=FCr')))
print('match_subject raw latin1', uids(box:match_subject('f\252r')))
print('match_from Jürgen', uids(box:match_from('Jürgen')))
print('match_from encoded', uids(box:match_from('=\\?UTF-8\\?B\\?0JjQstCw0L0=\\?=')))
print('match_subject Привет', uids(box:match_subject('Привет')))
print('match_subject class', uids(box:match_subject('^[а-я]')))
print('match_subject dot', uids(box:match_subject('^f.r ')))
print('match_subject dot2', uids(box:match_subject('^f..r ')))
print('match_header', uids(box:match_header('Jürgen Für')))
print('match_body', uids(box:match_body('Grüßen')))
print('match_field', uids(box:match_field('Subject', '^=\\?UTF-8')))
options.charset = 'UTF-8'
print('charset für', uids(box:contain_subject('für')))
print('charset Jürgen', uids(box:contain_from('Jürgen')))
print('charset Привет', uids(box:contain_subject('Привет')))
options.charset = 'ISO-8859-1'
print('charset latin1', uids(box:contain_subject('f\252r')))
options.charset = 'NOSUCH-CHARSET'
print('charset bad', uids(box:contain_subject('x')))
options.charset = nil
for _, v in ipairs(box:contain_from('example.de')) do
  local mb, uid = table.unpack(v)
  print('fetch', mb[uid]:fetch_field('Subject'), mb[uid]:fetch_field('From'))
end
local nb = account['No/Such']
print('select_all nosuch', uids(nb:select_all()))
print('contain nosuch', uids(nb:contain_from('x')))
print('is_unseen nosuch', uids(nb:is_unseen()))
print('match nosuch', uids(nb:match_subject('x')))
print('status nosuch', nb:check_status())
print('fetch nosuch', nb[1]:fetch_header(), nb[1]:fetch_field('Subject'), nb[1]:fetch_size(), nb[1]:fetch_flags(), nb[1]:fetch_body())
-- After a failed SELECT imapfilter still takes the mailbox selected
-- before (INBOX) for selected (docs/imapfilter.md): select another first.
print('trash', #account.Trash:select_all())
local e = account.INBOX:contain_from('nobody-at-all')
print('empty move from nosuch', e:move_messages(account['Trash']))
local r = account.INBOX:contain_from('amazon')
print('move', #r, r:move_messages(account['Shopping']))
print('copy to nosuch-parent', account.INBOX:contain_from('github'):copy_messages(account['Deep/Er/Box']))
local calls = 0
local ok, res = pcall(recover, function()
    calls = calls + 1
    error('boom ' .. calls)
end, 0)
print('recover error', ok, res, calls)
calls = 0
local v = recover(function()
    calls = calls + 1
    if calls < 2 then error('again') end
    return 'fine'
end, 3)
print('recover ok', v, calls)
local okt, et = pcall(function() error({code = 7}) end)
print('pcall error', okt, type(et), et.code)
local ok3 = pcall(function() return account.INBOX:is_larger('abc') end)
print('pcall larger', ok3)
local r2 = account.INBOX:contain_from('facebook')
print('still works', #r2, r2:delete_messages())
error('the end')
