-- Arguments of other types than the manual's: numbers for strings and
-- strings for numbers, tables of mixed entries, missing arguments. The
-- config prints whether each call raised an error and what it returned.
-- Written for the differential test.

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
        local x = v[k]
        if type(x) == 'table' and x._type == 'mailbox' then x = x._mailbox end
        table.insert(parts, tostring(k) .. '=' .. show(x))
    end
    return '{' .. table.concat(parts, ', ') .. '}'
end

local function try(label, f)
    local r = { pcall(f) }
    if not r[1] then print(label, 'error') return end
    local out = {}
    for i = 2, #r do out[i - 1] = show(r[i]) end
    print(label, 'ok', table.concat(out, ' '))
end

inbox = account.INBOX
local t1
for _, v in ipairs(inbox:contain_from('tux@penguin.land')) do
    if t1 == nil or v[2] < t1 then t1 = v[2] end
end
local m = inbox[t1]
local tux = inbox:contain_from('tux@penguin.land')

try('fetch_part number', function() return m:fetch_part(1) end)
try('fetch_field number', function() return m:fetch_field(5) end)
try('fetch_field nil', function() return m:fetch_field() end)
try('fetch_fields mixed', function() return m:fetch_fields({ 'Subject', 5 }) end)
try('fetch_fields mixed many', function() return inbox:fetch_fields({ 'Subject', true }, inbox:select_all()) end)
try('fetch_fields mixed few', function() return inbox:fetch_fields({ 5 }, tux) end)
try('fetch_fields mixed none', function() return inbox:fetch_fields({ 5 }, {}) end)
try('fetch_fields string', function() return m:fetch_fields('Subject') end)
try('fetch_parts string uid', function() return inbox:fetch_parts({ '1' }, tostring(t1)) end)
try('fetch_parts number part', function() return inbox:fetch_parts({ 1 }, t1) end)
try('fetch_flags nil', function() return inbox:fetch_flags() end)
try('fetch_flags string', function() return inbox:fetch_flags('x') end)
try('fetch_fields nil', function() return inbox:fetch_fields(nil, tux) end)
try('is_larger string', function() return #inbox:is_larger('100') end)
try('is_older string', function() return #inbox:is_older('10') end)
try('contain_from number', function() return #inbox:contain_from(5) end)
try('contain_from nil', function() return #inbox:contain_from() end)
try('contain_field one', function() return #inbox:contain_field('Subject') end)
try('match_from number', function() return #inbox:match_from(5) end)
try('match_field number', function() return #inbox:match_field('Subject', 5) end)
try('arrived_on number', function() return #inbox:arrived_on(5) end)
try('has_keyword number', function() return #inbox:has_keyword(5) end)
try('send_query number', function() return #inbox:send_query(5) end)
try('mark_seen nil', function() return inbox:mark_seen() end)
try('mark_seen string', function() return inbox:mark_seen('x') end)
try('add_flags string', function() return inbox:add_flags('Seen', tux) end)
try('add_flags numbers', function() return inbox:add_flags({ 5 }, tux) end)
try('set add_flags string', function() return tux:add_flags('Seen') end)
try('copy nil', function() return inbox:copy_messages(nil, tux) end)
try('copy string', function() return inbox:copy_messages('Trash', tux) end)
try('set copy string', function() return tux:copy_messages('Trash') end)
try('append number', function() return account.Trash:append_message(5) end)
try('append flags number', function() return account.Trash:append_message('Subject: x\r\n\r\ny\r\n', 5) end)
try('append date number', function() return account.Trash:append_message('Subject: x\r\n\r\ny\r\n', nil, 5) end)
try('create number', function() return account:create_mailbox(5) end)
try('create nil', function() return account:create_mailbox() end)
try('list_all number', function() return account:list_all(5) end)
try('rename one', function() return account:rename_mailbox('x') end)
try('form_date string', function() return form_date('3') ~= nil end)
try('regex number', function() return regex_search(5, '5') end)
try('regex subject number', function() return regex_search('5', 5) end)
try('pipe_from nil', function() return pipe_from() end)
try('flags after', function() return m:fetch_flags() end)
