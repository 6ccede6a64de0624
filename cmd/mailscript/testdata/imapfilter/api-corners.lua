-- Corners of the API the collected configs do not reach: every search,
-- searches on results and on sets of two mailboxes, every flag action,
-- the fetches of a mailbox and of a message, mailbox management, status,
-- appends, regex_search, empty results, options.limit and options.range.
-- Written for the differential test; it prints what each call returns.

account = IMAP {
    server = 'imap.example.com',
    username = 'me',
    password = 'pw',
}

-- show prints a value with the keys of tables sorted, so that the output
-- does not depend on hashing.
local function show(v, each)
    if type(v) ~= 'table' then return tostring(v) end
    if each then
        local t = {}
        for k, x in pairs(v) do t[k] = each(x) end
        return show(t)
    end
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
    if structure == nil then return 'nil' end
    local t = {}
    for k, p in pairs(structure) do
        t[k] = { type = p.type, size = p.size, name = p.name }
    end
    return show(t)
end

-- uids shows a result as its size and its sorted "mailbox:uid" pairs.
local function uids(set)
    local t = {}
    for _, v in ipairs(set) do
        local mbox, uid = table.unpack(v)
        table.insert(t, string.format('%s:%03d', mbox._mailbox, tonumber(uid)))
    end
    table.sort(t)
    return #set .. ' [' .. table.concat(t, ' ') .. ']'
end

-- first returns the mailbox and the lowest UID of a result.
local function first(set)
    local mbox, low
    for _, v in ipairs(set) do
        if low == nil or v[2] < low then mbox, low = v[1], v[2] end
    end
    return mbox, low
end

inbox = account.INBOX
my = account.mymailbox
devel = account['lists/devel']

-- Searches.
print('is_answered', uids(inbox:is_answered()))
print('is_deleted', uids(inbox:is_deleted()))
print('is_draft', uids(inbox:is_draft()))
print('is_flagged', uids(inbox:is_flagged()))
print('is_new', uids(inbox:is_new()))
print('is_old', uids(inbox:is_old()))
print('is_recent', uids(inbox:is_recent()))
print('is_seen', uids(inbox:is_seen()))
print('is_unanswered', uids(inbox:is_unanswered()))
print('is_undeleted', uids(inbox:is_undeleted()))
print('is_undraft', uids(inbox:is_undraft()))
print('is_unflagged', uids(inbox:is_unflagged()))
print('is_unseen', uids(inbox:is_unseen()))
print('has_keyword', uids(inbox:has_keyword('$Important')))
print('has_flag', uids(inbox:has_flag('$Important')))
print('has_unkeyword', uids(inbox:has_unkeyword('$Important')))
print('is_larger', uids(inbox:is_larger(5000)))
print('is_smaller', uids(inbox:is_smaller(560)))
print('is_older', uids(inbox:is_older(30)))
print('is_newer', uids(inbox:is_newer(3)))
print('arrived_before', uids(inbox:arrived_before(form_date(30))))
print('arrived_since', uids(inbox:arrived_since(form_date(5))))
print('arrived_on', uids(inbox:arrived_on(form_date(45))))
print('sent_before', uids(inbox:sent_before(form_date(30))))
print('sent_since', uids(inbox:sent_since(form_date(5))))
print('sent_on', uids(inbox:sent_on(form_date(45))))
print('contain_from', uids(inbox:contain_from('example.org')))
print('contain_to', uids(inbox:contain_to('team')))
print('contain_cc', uids(inbox:contain_cc('alice')))
print('contain_bcc', uids(inbox:contain_bcc('alice')))
print('contain_subject', uids(inbox:contain_subject('news')))
print('contain_field', uids(inbox:contain_field('List-Id', 'ubuntu')))
print('contain_header', uids(inbox:contain_header('spaced colon')))
print('contain_body', uids(inbox:contain_body('play')))
print('contain_message', uids(inbox:contain_message('viagra')))
print('match_from', uids(inbox:match_from('^(Tux|Bob) <')))
print('match_to', uids(inbox:match_to('^team@')))
print('match_cc', uids(inbox:match_cc('alice')))
print('match_bcc', uids(inbox:match_bcc('.')))
print('match_cc empty', uids(inbox:match_cc('^$')))
print('match_cc empty small', uids(my:match_cc('^$')))
print('match_subject', uids(inbox:match_subject('^\\[[a-z]+\\]')))
print('match_field', uids(inbox:match_field('X-Spam-Status', '^Yes, score=\\d+')))
print('match_field folded', uids(inbox:match_field('X-Folded', 'second')))
print('match_header', uids(inbox:match_header('X-Launchpad-[A-Z]')))
print('match_header line', uids(inbox:match_header('\\nCc: ')))
print('match_body', uids(inbox:match_body('^all work')))
print('match_body small', uids(devel:match_body('Jack a dull')))
print('match_message', uids(inbox:match_message('(?i)viagra')))
print('match_message small', uids(my:match_message('VIAGRA here')))

-- Searches on results.
print('chain', uids(inbox:is_unseen():contain_from('example'):match_subject('e')))
print('chain 2', uids(inbox:is_seen():is_larger(700):is_older(20)))
print('chain empty', uids(inbox:contain_from('nobody.at.all'):is_unseen()))
print('direct empty', uids(inbox:is_seen(inbox:contain_from('nobody.at.all'))))
print('direct keyword', uids(inbox:has_keyword('$Important', inbox:contain_from('tux'))))
print('direct unkeyword', uids(inbox:has_unkeyword('$Important', inbox:contain_from('tux'))))
print('set keyword', uids(inbox:contain_from('example.com'):has_keyword('$Important')))
messages = inbox:contain_from('tux')
print('global keyword', uids(inbox:has_keyword('$Important')), uids(inbox:has_unkeyword('$Important')))
messages = nil
print('send_query', uids(inbox:send_query('OR FROM "tux" FROM "bob"')))
print('send_query table', uids(inbox:send_query({ 'UNSEEN', { 'FROM "tux"', 'FROM "cron"' } })))
print('send_query invert', uids(inbox:send_query({ invert = true, 'SEEN', { 'FROM "tux"', 'UNSEEN' } })))

-- Sets of two mailboxes.
local a = inbox:contain_subject('e') + my:select_all()
local b = inbox:is_unseen() + my:is_unseen()
print('union', uids(a))
print('intersection', uids(a * b))
print('difference', uids(a - b))
print('set search', uids(a:is_unseen()))
print('set match', uids(a:match_subject('^[a-z]')))
print('set select_all', uids((a - b):select_all()))
print('Set{}', uids(Set {} + inbox:contain_from('tux')))

-- Empty results and their actions.
local none = inbox:contain_from('nobody.at.all')
print('none', uids(none), none:mark_seen(), none:move_messages(account.Trash))
print('mailbox none', inbox:mark_seen({}), inbox:move_messages(account.Trash, {}))
print('none fetch', show(inbox:fetch_flags({})))
account:create_mailbox('empty')
print('empty select_all', uids(account.empty:select_all()))
print('empty is_unseen', uids(account.empty:is_unseen()))
print('empty check_status', account.empty:check_status())

-- Fetches of a mailbox.
local tux = inbox:contain_from('tux@penguin.land')
print('fetch_flags', show(inbox:fetch_flags(tux)))
print('fetch_size', show(inbox:fetch_size(tux)))
print('fetch_fields', show(inbox:fetch_fields({ 'Subject', 'From' }, tux)))
print('fetch_fields missing', show(inbox:fetch_fields({ 'Cc' }, tux)))
print('fetch_structure', show(inbox:fetch_structure(tux), parts))
print('fetch_body', show(inbox:fetch_body(tux)))
local _, t1 = first(tux)
print('fetch_parts', show(inbox:fetch_parts({ '1', 'HEADER.FIELDS (SUBJECT)' }, t1)))
local hs = inbox:fetch_header(tux)
local ms = inbox:fetch_message(tux)
for _, v in ipairs(tux) do print('lengths', v[2], #hs[v[2]], #ms[v[2]]) end

-- Messages, as mailbox[uid].
local m = inbox[t1]
print('message', m._string, m._uid, m._mailbox._mailbox)
print('flags', show(m:fetch_flags()))
print('size', m:fetch_size())
print('date', m:fetch_date() ~= nil)
print('field', m:fetch_field('Subject'))
print('fields', m:fetch_fields({ 'From', 'To' }))
print('structure', parts(m:fetch_structure()))
print('part', m:fetch_part('1'))
print('header', #m:fetch_header(), 'body', m:fetch_body(), 'message', #m:fetch_message())
local _, k1 = first(inbox:contain_subject('odd headers'))
print('folded', inbox[k1]:fetch_field('X-Folded'))
print('spaced', inbox[k1]:fetch_field('X-Tricky'))
print('missing field', show(inbox[k1]:fetch_field('X-Not-There')))
print('missing message', show(inbox[99999]:fetch_flags()), show(inbox[99999]:fetch_field('Subject')))

-- Flag actions.
local _, d1 = first(inbox:contain_from('tagged@example.com'))
local one = { { inbox, d1 } }
print(inbox:mark_answered(one), inbox:mark_draft(one), inbox:mark_flagged(one), inbox:mark_seen(one))
print('after mark', show(inbox[d1]:fetch_flags()))
print(inbox:unmark_answered(one), inbox:unmark_draft(one), inbox:unmark_flagged(one), inbox:unmark_seen(one))
print('after unmark', show(inbox[d1]:fetch_flags()))
print(inbox:add_flags({ 'Work', 'Later' }, one), inbox:remove_flags({ 'Later' }, one))
print('after add/remove', show(inbox[d1]:fetch_flags()))
print(inbox:replace_flags({ '\\Seen', 'Done' }, one))
print('after replace', show(inbox[d1]:fetch_flags()))
print('set actions', inbox:contain_from('ubuntu.com'):mark_flagged(), inbox:contain_from('debian'):add_flags({ 'Debian' }))
options.info = false
print('two mailboxes', b:mark_answered(), b:add_flags({ 'Both' }), b:unmark_answered())
options.info = true

-- options.limit and options.range: searches on a larger result search
-- the whole mailbox; stores go in pieces.
options.limit = 2
print('limit search', uids(inbox:is_unseen():contain_from('example')))
print('limit store', inbox:contain_from('example.com'):add_flags({ 'Limited' }))
options.limit = 0
options.range = 2
print('range store', inbox:contain_from('example.com'):remove_flags({ 'Limited' }))
options.range = math.huge

-- Mailbox management.
print('create', account:create_mailbox('probe/fresh'))
print('create again', account:create_mailbox('probe/fresh'))
print('subscribe', account:subscribe_mailbox('probe/fresh'))
local mboxes, folders = account:list_all()
table.sort(mboxes)
table.sort(folders)
print('list_all', table.concat(mboxes, ','), table.concat(folders, ','))
mboxes, folders = account:list_all('probe')
table.sort(mboxes)
table.sort(folders)
print('list_all probe', table.concat(mboxes, ','), table.concat(folders, ','))
mboxes, folders = account:list_subscribed()
table.sort(mboxes)
table.sort(folders)
print('list_subscribed', table.concat(mboxes, ','), table.concat(folders, ','))
print('rename', account:rename_mailbox('probe/fresh', 'probe/renamed'))
print('unsubscribe', account:unsubscribe_mailbox('probe/fresh'))
print('delete', account:delete_mailbox('probe/renamed'))
print('delete missing', account:delete_mailbox('probe/none'))

-- Copies and moves to a mailbox that does not exist yet.
print('copy new', inbox:contain_from('beastie'):copy_messages(account['auto/copied']))
print('move new', my:contain_subject('hello'):move_messages(account['auto/moved']))
print('status copied', account['auto/copied']:check_status())
print('status moved', account['auto/moved']:check_status())

-- Appends, with flags and a date, then found again.
local msg = 'From: probe@example.com\r\nTo: alice@example.org\r\n' ..
    'Subject: appended\r\nMIME-Version: 1.0\r\n' ..
    'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n' ..
    '--b1\r\nContent-Type: text/plain\r\n\r\nfirst part\r\n' ..
    '--b1\r\nContent-Type: application/octet-stream; name="x.bin"\r\n' ..
    'Content-Disposition: attachment; filename="x.bin"\r\n' ..
    'Content-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--b1--\r\n'
print('append', my:append_message(msg, { '\\Seen', 'Appended' }, '01-Jan-2020 10:00:00 +0000'))
print('append string flags', my:append_message(msg, '\\Flagged'))
print('append plain', my:append_message(msg))
print('append new', account['auto/appended']:append_message(msg))
local app = my:arrived_on('01-Jan-2020')
print('appended', uids(app))
local _, a1 = first(app)
print('appended flags', show(my[a1]:fetch_flags()), my[a1]:fetch_date())
print('appended structure', parts(my[a1]:fetch_structure()))
print('appended part 2', my[a1]:fetch_part('2'))
print('appended part 1.MIME', my[a1]:fetch_part('1.MIME'))

-- Status.
print('status inbox', inbox:check_status())
print('status my', my:check_status())
print('status missing', account['no/such']:check_status())

-- regex_search.
print('regex', regex_search('^(\\w+)@(\\w+)', 'tux@penguin.land'))
print('regex optional', regex_search('a(b)?(c)', 'ac'))
print('regex none', regex_search('x', 'abc'))
print('regex empty', regex_search('', 'abc'))
print('regex newline', regex_search('a$', 'a\n'), regex_search('a.b', 'a\nb'))

-- Fetches of many messages at once, matches of fields that occur twice
-- or have a space before the colon, the list and login calls, moves to
-- the same mailbox, quiet actions, recover.
local all = inbox:select_all()
print('fields all', show(inbox:fetch_fields({ 'X-Folded', 'subject', 'Cc' }, all)))
print('fields few', show(inbox:fetch_fields({ 'X-Folded', 'subject', 'Cc' }, inbox:contain_from('odd'))))
print('fields repeat', show(inbox:fetch_fields({ 'Subject', 'Subject' }, inbox:contain_from('tux'))))
print('fields many', show(inbox:fetch_fields({ 'X-Spam-Status', 'X-Spam-Flag' }, all)))
print('dates', show(inbox:fetch_date(inbox:contain_from('tux'))))
print('sizes all', show(inbox:fetch_size(all)))
print('flags all', show(inbox:fetch_flags(all)))
print('match few', uids(inbox:contain_from('odd'):match_field('X-Folded', 'again')))
print('match few 2', uids(inbox:contain_from('odd'):match_field('x-folded', '^first')))
print('match many', uids(inbox:match_field('x-folded', '^first')))
print('match many 2', uids(inbox:match_field('X-Folded', 'again')))
print('match tricky', uids(inbox:match_field('X-Tricky', '^spaced')), uids(inbox:contain_from('odd'):match_field('X-Tricky', '^spaced')))
print('match raw', uids(inbox:match_subject('^=\\?UTF-8')), uids(inbox:match_subject('мир')))
print('match header all', uids(inbox:match_header('^Message-ID')), uids(inbox:match_header('corpus.test>$')))
print('match body end', uids(inbox:match_body('\\.$')), uids(inbox:match_body('^Hello,$')))
print('message structure many', #inbox:fetch_message(all), show(inbox:fetch_header(inbox:contain_from('scanner'))))
print('charset', pcall(function() options.charset = 'UTF-8'; local r = uids(inbox:contain_subject('мир')); options.charset = ''; return r end))
print('send_query all', uids(inbox:send_query('ALL')), uids(inbox:send_query()))
print('string uid', pcall(function() return inbox['10'] ~= nil end))
m = inbox[10]
print('same object', inbox[10] == m, m._string)
local function listed(boxes, dirs)
    table.sort(boxes)
    table.sort(dirs)
    return table.concat(boxes, ',') .. ' | ' .. table.concat(dirs, ',')
end
print('list lists', listed(account:list_all('lists')), listed(account:list_all('lists', '*')))
print('list star', listed(account:list_all('', '*')), listed(account:list_subscribed('lists')))
print('login', account:login(), account:logout(), uids(inbox:contain_from('tux')))
print('self move', inbox:contain_from('tux'):move_messages(inbox))
print('after self move', uids(inbox:contain_from('tux')))
print('self copy', inbox:contain_from('bob'):copy_messages(inbox))
print('after self copy', uids(inbox:contain_from('bob')))
print('delete inbox', account:delete_mailbox('INBOX'))
print('create inbox', account:create_mailbox('INBOX'))
print('form_date', form_date(0) == os.date('%d-%b-%Y'), type(form_date(1.5)))
print('older frac', uids(inbox:is_older(0.5)) == uids(inbox:arrived_before(form_date(0.5))))
options.info = false
print('quiet', inbox:contain_from('tux'):mark_seen(), inbox:contain_from('tux'):move_messages(account.Trash))
print('quiet status', inbox:check_status())
options.info = true
print('recover', recover(function() return 1, 2 end))
print('recover err', recover(function() error('boom', 0) end, 0))

-- Deletes, and what is left.
print('delete_messages', inbox:contain_subject('Buy now'):delete_messages())
print('mark_deleted', inbox:contain_subject('Limited offer'):mark_deleted())
print('unmark_deleted', inbox:contain_subject('Limited offer'):unmark_deleted())
print('left', uids(inbox:select_all()))
