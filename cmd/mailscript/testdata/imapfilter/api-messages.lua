-- Messages as mailbox[uid], on existing and missing UIDs, with every
-- fetch method; options create, subscribe, close, expunge (off, then a
-- delete and a move), namespace and info; searches by absolute dates
-- (form_date and literal dates) on a mailbox and on a result; body and
-- message searches; check_status on a selected and a not selected
-- mailbox; list_all patterns; Set{} and arithmetic on empty results.
-- Written for the differential test; it prints what each call returns.

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

local function parts(structure)
    if type(structure) ~= 'table' then return show(structure) end
    local t = {}
    for k, p in pairs(structure) do
        t[k] = { type = p.type, size = p.size, name = p.name }
    end
    return show(t)
end

local function uids(set)
    local t = {}
    for _, v in ipairs(set) do
        local mbox, uid = table.unpack(v)
        table.insert(t, string.format('%s:%03d', mbox._mailbox, tonumber(uid)))
    end
    table.sort(t)
    return #set .. ' [' .. table.concat(t, ' ') .. ']'
end

local function first(set)
    local low
    for _, v in ipairs(set) do
        if low == nil or v[2] < low then low = v[2] end
    end
    return low
end

local function listed(boxes, dirs)
    if boxes then table.sort(boxes) end
    if dirs then table.sort(dirs) end
    return table.concat(boxes or {}, ',') .. ' | ' .. table.concat(dirs or {}, ',')
end

inbox = account.INBOX
my = account.mymailbox

-- Messages: every method on one message, then on missing UIDs.
local t1 = first(inbox:contain_from('tux@penguin.land'))
local m = inbox[t1]
print('type', type(m), m._type, type(m._uid), m._uid == t1, m._string)
print('unknown key', show(m.nosuch), show(m._header), show(m._size))
print('message', #m:fetch_message())
print('header', #m:fetch_header())
print('body', show(m:fetch_body()))
print('size', show(m:fetch_size()))
print('date', show(m:fetch_date() ~= nil))
print('flags', show(m:fetch_flags()))
print('field', show(m:fetch_field('subject')))
print('field From', show(m:fetch_field('From')))
print('field missing', show(m:fetch_field('X-Nope')))
print('fields', show(m:fetch_fields({ 'From', 'Subject' })))
print('fields missing', show(m:fetch_fields({ 'X-Nope', 'X-Other' })))
print('fields empty', pcall(function() return show(m:fetch_fields({})) end))
print('structure', parts(m:fetch_structure()))
print('part 1', show(m:fetch_part('1')))
print('part TEXT', show(m:fetch_part('TEXT')))
print('part HEADER', show(#(m:fetch_part('HEADER') or '')))
print('part 2', show(m:fetch_part('2')))
print('part 1.1', show(m:fetch_part('1.1')))
local z = inbox[99999]
print('missing type', type(z), z._string)
print('missing message', show(z:fetch_message()))
print('missing header', show(z:fetch_header()))
print('missing body', show(z:fetch_body()))
print('missing size', show(z:fetch_size()))
print('missing date', show(z:fetch_date()))
print('missing flags', show(z:fetch_flags()))
print('missing field', show(z:fetch_field('Subject')))
print('missing fields', show(z:fetch_fields({ 'Subject' })))
print('missing structure', parts(z:fetch_structure()))
print('missing part', show(z:fetch_part('1')))
print('uid 0', pcall(function() return show(inbox[0]:fetch_flags()) end))
print('other box', show(my[first(my:contain_subject('hello'))]:fetch_field('Subject')))
local big = inbox[first(inbox:contain_from('bigfile'))]
print('big size', big:fetch_size(), #big:fetch_body(), #big:fetch_part('1'))
local enc = inbox[first(inbox:contain_from('juergen'))]
print('encoded', enc:fetch_field('Subject'), enc:fetch_field('From'))
print('multi', show(inbox[first(inbox:contain_from('odd'))]:fetch_fields({ 'X-Folded', 'X-Tricky' })))

-- Absolute dates, from form_date and literal.
for _, d in ipairs({ form_date(10), form_date(100), '01-Jan-2020', '1-Jan-2099' }) do
    local label = d:match('20[29][09]') and d or 'form_date'
    print('arrived_before ' .. label, uids(inbox:arrived_before(d)))
    print('arrived_since ' .. label, uids(inbox:arrived_since(d)))
    print('sent_before ' .. label, uids(inbox:sent_before(d)))
    print('sent_since ' .. label, uids(inbox:sent_since(d)))
end
print('arrived_on 0', uids(inbox:arrived_on(form_date(0))))
print('sent_on 400', uids(inbox:sent_on(form_date(400))))
print('older 10', uids(inbox:is_older(10)))
print('newer 10', uids(inbox:is_newer(10)))
print('older 0', uids(inbox:is_older(0)))
print('newer 0', uids(inbox:is_newer(0)))
local seen = inbox:is_seen()
print('chain arrived_before', uids(seen:arrived_before(form_date(30))))
print('chain sent_since', uids(seen:sent_since(form_date(30))))
print('chain older', uids(seen:is_older(30)))
print('chain newer', uids(seen:is_newer(30)))
print('chain on', uids(seen:arrived_on(form_date(400))))
print('set dates', uids((inbox:is_unseen() + my:select_all()):is_newer(5)))
print('bad date', pcall(function() return uids(inbox:arrived_before('yesterday')) end))

-- Body and message searches.
print('contain_body', uids(inbox:contain_body('message tux1')))
print('contain_body case', uids(inbox:contain_body('HELLO')))
print('contain_body none', uids(inbox:contain_body('no such text anywhere')))
print('contain_message', uids(inbox:contain_message('penguin.land')))
print('contain_message subject', uids(inbox:contain_message('Penguins again')))
print('contain_body chain', uids(inbox:contain_from('tux'):contain_body('play')))
print('contain_message set', uids((inbox:select_all() + my:select_all()):contain_message('viagra')))
print('match_body', uids(inbox:match_body('message (tux|bsd)1')))
print('match_body case', uids(inbox:match_body('HELLO')))
print('match_body multiline', uids(inbox:match_body('Hello,\\r?\\n\\r?\\nthis')))
print('match_message', uids(inbox:match_message('^Subject: Penguins')))
print('match_message body', uids(inbox:match_message('this is message ham1')))
print('match_message chain', uids(inbox:is_seen():match_message('(?i)bob')))
print('match_body set', uids((inbox:contain_from('tux') + my:select_all()):match_body('(?i)viagra|play')))

-- check_status on the selected mailbox and on another one.
print('select inbox', #inbox:select_all())
print('status selected', inbox:check_status())
print('status other', my:check_status())
print('status other again', account['lists/devel']:check_status())
print('after status search', uids(my:is_unseen()))

-- list_all with patterns.
print('list all', listed(account:list_all()))
print('list all *', listed(account:list_all('', '*')))
print('list all %', listed(account:list_all('', '%')))
print('list lists/%', listed(account:list_all('', 'lists/%')))
print('list *box', listed(account:list_all('', '*box')))
print('list my*', listed(account:list_all('', 'my*')))
print('list IN*', listed(account:list_all('', 'IN*')))
print('list inbox', listed(account:list_all('', 'inbox')))
print('list folder lists', listed(account:list_all('lists', '%')))
print('list nosuch', listed(account:list_all('', 'nosuch*')))

-- Set{} and arithmetic on empty results.
local none = inbox:contain_from('nobody.at.all')
local e = Set {}
print('Set{}', uids(e), #e, type(e))
print('empty + empty', uids(e + none), uids(none + none))
print('empty * x', uids(none * inbox:select_all()), uids(inbox:select_all() * none))
print('x - empty', #(inbox:is_seen() - none), uids(none - inbox:select_all()))
print('empty searches', uids(e:is_seen()), uids(none:contain_from('x')), uids(e:match_subject('.')))
print('empty select_all', uids(e:select_all()), uids(none:select_all()))
print('empty actions', e:mark_seen(), e:delete_messages(), e:copy_messages(my), e:move_messages(my))
print('empty flags', e:add_flags({ 'X' }), e:remove_flags({ 'X' }), e:replace_flags({ 'X' }))
local s = Set { { inbox, t1 } }
print('Set literal', uids(s), uids(s + none), uids(s * inbox:contain_from('tux')), uids(s - s))
print('Set literal search', uids(s:is_unseen()), uids(s:contain_subject('Penguins')))

-- options.info off: actions print nothing, return values stay.
options.info = false
print('quiet copy', inbox:contain_from('beastie'):copy_messages(my))
print('quiet fetch', show(inbox[t1]:fetch_field('Subject')))
print('quiet status', my:check_status())
options.info = true

-- options.create and options.subscribe: copies, moves and appends to
-- mailboxes that do not exist.
options.subscribe = true
print('sub copy', inbox:contain_from('debian'):copy_messages(account['made/copy']))
print('sub append', account['made/append']:append_message('From: a@b\r\nSubject: x\r\n\r\nbody\r\n'))
options.create = true
print('create move', inbox:contain_from('linkedin'):move_messages(account['made/move']))
options.create = false
options.subscribe = false
print('nosub copy', inbox:contain_from('facebook'):copy_messages(account['made/nosub']))
print('subscribed', listed(account:list_subscribed('', '*')))
print('made', listed(account:list_all('made')))

-- options.close: each request closes the selected mailbox.
options.close = true
print('close mark', inbox:contain_from('scanner'):mark_deleted())
print('close search', uids(inbox:contain_from('scanner')))
print('close status', inbox:check_status())
options.close = false

-- options.expunge off: a delete and a move leave \Deleted messages,
-- which a later close removes.
options.expunge = false
print('noexp delete', inbox:contain_from('company.junk'):delete_messages())
print('noexp move', inbox:contain_from('annoying.promotion'):move_messages(account.Trash))
print('noexp left', uids(inbox:contain_from('company.junk') + inbox:contain_from('annoying.promotion')))
print('noexp deleted', uids(inbox:contain_from('junk'):is_deleted()))
print('noexp status', inbox:check_status())
options.expunge = true

-- options.namespace off on a mailbox with a hierarchy.
options.namespace = false
print('ns off search', uids(account['lists/devel']:is_unseen()))
print('ns off copy', account['lists/devel']:contain_subject('leak'):copy_messages(account['ns/off']))
options.namespace = true
print('ns on', uids(account['ns/off']:select_all()))

-- Non-ASCII search with options.charset.
options.charset = 'UTF-8'
print('charset subject', uids(inbox:contain_subject('Grüße')))
print('charset from', uids(inbox:contain_from('Jürgen')))
print('charset body', uids(inbox:contain_body('Привет')))
print('charset field', uids(inbox:contain_field('Subject', 'мир')))
print('charset chain', uids(inbox:is_unseen():contain_subject('мир')))
options.charset = nil

print('left', uids(inbox:select_all()))
