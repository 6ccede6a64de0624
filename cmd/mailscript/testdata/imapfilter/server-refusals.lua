-- What the API returns when the server refuses a request (NO or BAD):
-- malformed searches, appends with a bad date or flags, mailbox names
-- the server refuses; searches and fetches given the messages of
-- another mailbox; what options.cache keeps of a mailbox deleted and
-- made again. Written for the differential test; it prints what each
-- call returns.

account = IMAP {
    server = 'imap.example.com',
    username = 'me',
    password = 'pw',
}

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

local function uids(set)
    if type(set) ~= 'table' then return show(set) end
    local t = {}
    for _, v in ipairs(set) do
        local mbox, uid = table.unpack(v)
        table.insert(t, string.format('%s:%03d', mbox._mailbox, tonumber(uid)))
    end
    table.sort(t)
    return #set .. ' [' .. table.concat(t, ' ') .. ']'
end

local function try(label, f)
    local r = { pcall(f) }
    if r[1] then
        local out = {}
        for i = 2, #r do out[i - 1] = uids(r[i]) end
        print(label, 'ok', table.concat(out, ' '))
    else
        print(label, 'error')
    end
end

inbox = account.INBOX
my = account.mymailbox
local msg = 'From: refusal@example.com\r\nSubject: refusal\r\n\r\nbody\r\n'

-- Malformed searches.
try('send_query bad', function() return inbox:send_query('NONSENSE') end)
try('send_query table bad', function() return inbox:send_query({ 'NONSENSE', 'SEEN' }) end)
try('field with space', function() return inbox:contain_field('X Y', 'z') end)
try('field empty', function() return inbox:contain_field('', 'z') end)
try('larger negative', function() return inbox:is_larger(-5) end)
try('larger fraction', function() return inbox:is_larger(700.5) end)
try('older fraction', function() return inbox:is_older(1.5) end)
try('newer negative', function() return inbox:is_newer(-3) end)
try('on bad', function() return inbox:arrived_on('32-Jan-2020') end)
try('sent_since bad', function() return inbox:sent_since('2020-01-01') end)
try('keyword bad', function() return inbox:has_keyword('(x)') end)
try('after bad search', function() return inbox:is_flagged() end)

-- Appends the server refuses.
try('append bad date', function() return my:append_message(msg, nil, 'yesterday') end)
try('append bad flag', function() return my:append_message(msg, { '\\Bogus' }) end)
try('append recent', function() return my:append_message(msg, { '\\Recent' }) end)
try('append empty', function() return my:append_message('') end)
try('append flags string', function() return my:append_message(msg, '\\Seen \\Flagged') end)
try('appended', function() return my:contain_from('refusal') end)
print('appended flags', show(my:fetch_flags(my:contain_from('refusal'))))

-- Flags the server refuses in a STORE.
local one = my:contain_subject('hello')
try('add bogus', function() return my:add_flags({ '\\Bogus' }, one) end)
try('add paren', function() return my:add_flags({ 'a(b' }, one) end)
try('replace recent', function() return my:replace_flags({ '\\Recent', '\\Seen' }, one) end)
try('remove bogus', function() return my:remove_flags({ '\\Bogus' }, one) end)
try('set add bogus', function() return one:add_flags({ '\\Bogus' }) end)
print('one flags', show(my:fetch_flags(one)))

-- Names the server refuses.
try('create empty', function() return account:create_mailbox('') end)
try('create slash', function() return account:create_mailbox('a//b') end)
try('create trailing', function() return account:create_mailbox('trail/') end)
try('rename missing', function() return account:rename_mailbox('no/such', 'other') end)
try('rename onto', function() return account:rename_mailbox('news', 'Trash') end)
try('subscribe missing', function() return account:subscribe_mailbox('no/such') end)
try('unsubscribe missing', function() return account:unsubscribe_mailbox('no/such') end)
try('copy to empty', function() return inbox:contain_from('tux'):copy_messages(account['']) end)
try('status empty', function() return account['']:check_status() end)
try('status inbox', function() return inbox:check_status() end)

-- Searches, matches and fetches given the messages of another mailbox.
local mine = my:select_all()
try('search other', function() return inbox:is_unseen(mine) end)
try('contain other', function() return inbox:contain_subject('e', mine) end)
try('match other', function() return inbox:match_subject('.', mine) end)
try('match_field other', function() return inbox:match_field('Subject', '.', mine) end)
print('fetch other', show(inbox:fetch_flags(mine)), show(inbox:fetch_size(mine)), show(inbox:fetch_fields({ 'Subject' }, mine)))
print('fetch other header', show(inbox:fetch_header(mine)), show(inbox:fetch_structure(mine)))
try('flag other', function() return inbox:mark_flagged(mine) end)
try('move other', function() return inbox:move_messages(account.Trash, mine) end)
try('delete other', function() return inbox:delete_messages(mine) end)
print('mine', uids(my:select_all()), show(my:fetch_flags(my:select_all())))

-- A mailbox deleted and made again: new messages under the old UIDs.
local devel = account['lists/devel']
local first = devel[1]
print('devel 1', first:fetch_field('Subject'), first:fetch_size(), #first:fetch_header(), show(first:fetch_part('1') ~= nil))
print('delete', account:delete_mailbox('lists/devel'))
print('create', account:create_mailbox('lists/devel'))
print('append', devel:append_message('From: new@example.com\r\nSubject: newcomer\r\n\r\nnew body\r\n'))
print('devel again', uids(devel:select_all()))
print('devel 1 again', devel[1]:fetch_field('Subject'), devel[1]:fetch_size(), #devel[1]:fetch_header(), #devel[1]:fetch_body())
print('devel 1 match', uids(devel:match_subject('newcomer')), uids(devel:contain_subject('newcomer')))
print('devel fetch', show(devel:fetch_fields({ 'Subject' }, devel:select_all())))
options.cache = false
print('devel nocache', devel[1]:fetch_field('Subject'), devel[1]:fetch_size())
options.cache = true
print('left', uids(inbox:select_all()))
