-- Dates, sizes, limits and the auxiliary functions: sent_* on Date
-- headers in other time zones, near midnight, malformed or missing;
-- arrived_* at fixed instants around midnight; is_older and is_newer at
-- day boundaries; the forms of a date argument; form_date and os.date;
-- is_larger and is_smaller at a message's exact size; fetch_date,
-- fetch_size and fetch_flags on results and on messages; options.limit,
-- range and charset; regex_search's values; sets of two mailboxes
-- searched again by date and size. Written for the differential test;
-- it prints what each call returns and nothing that depends on the day
-- it runs (ages are compared with what form_date says, not printed).

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
    table.sort(keys, function(a, b)
        if type(a) == type(b) then return a < b end
        return type(a) < type(b)
    end)
    local parts = {}
    for _, k in ipairs(keys) do
        table.insert(parts, tostring(k) .. '=' .. show(v[k]))
    end
    return '{' .. table.concat(parts, ', ') .. '}'
end

local function uids(set)
    if type(set) ~= 'table' then return type(set) .. ':' .. tostring(set) end
    local t = {}
    for _, v in ipairs(set) do
        table.insert(t, string.format('%s:%02d', v[1]._mailbox, v[2]))
    end
    table.sort(t)
    return #set .. ' [' .. table.concat(t, ' ') .. ']'
end

local function try(label, f)
    local r = { pcall(f) }
    if not r[1] then print(label, 'error') return end
    local out = {}
    for i = 2, #r do out[i - 1] = tostring(r[i]) end
    print(label, 'ok', table.concat(out, ' '))
end

local function has(set, uid)
    for _, v in ipairs(set) do
        if v[2] == uid then return true end
    end
    return false
end

local function uid(set)
    local low
    for _, v in ipairs(set) do
        if low == nil or v[2] < low then low = v[2] end
    end
    return low
end

d = account.dates
my = account.mymailbox

-- sent_* and arrived_* on fixed days around the messages' dates (the
-- messages of relative age arrived long after all of them).
for _, day in ipairs({ '28-Feb-2025', '01-Mar-2025', '04-Mar-2025', '05-Mar-2025',
    '09-Mar-2025', '10-Mar-2025', '11-Mar-2025', '31-Dec-1999', '01-Jan-2000',
    '01-Jan-2100' }) do
    print(day, 'sent', uids(d:sent_before(day)), uids(d:sent_on(day)), uids(d:sent_since(day)))
    print(day, 'arrived', uids(d:arrived_before(day)), uids(d:arrived_on(day)), uids(d:arrived_since(day)))
end

-- Other forms of a date.
for _, form in ipairs({ ' 9-Mar-2025', '9-Mar-2025', '09-mar-2025', '09-MAR-2025',
    '"09-Mar-2025"', '09-Mar-25', '2025-03-09', '09-Mar-2025 12:00:00',
    '32-Mar-2025', '29-Feb-2025', '', '09 Mar 2025', '09-Mar-2025 ' }) do
    try('form [' .. form .. ']', function()
        return uids(d:sent_on(form)), uids(d:arrived_before(form))
    end)
end
try('date number', function() return uids(d:arrived_on(20250309)) end)
try('date nil', function() return uids(d:sent_since()) end)

-- form_date, and is_older/is_newer against it: a message of age k days
-- (counted from the day form_date(0) names) is newer than k and k + 1
-- days, not newer than k - 1; older than k - 1 days, not older than k.
-- Nothing here changes with the day.
local months = { Jan = 1, Feb = 2, Mar = 3, Apr = 4, May = 5, Jun = 6,
    Jul = 7, Aug = 8, Sep = 9, Oct = 10, Nov = 11, Dec = 12 }
local function daynum(s)
    local dd, mon, yyyy = string.match(s, '^%s*(%d+)-(%a%a%a)-(%d+)')
    return math.floor(os.time({ year = tonumber(yyyy), month = months[mon],
        day = tonumber(dd), hour = 12 }) / 86400 + 0.5)
end
local today = daynum(form_date(0))
print('form_date', type(form_date(0)), string.match(form_date(0), '^%d%d%-%u%l%l%-%d%d%d%d$') ~= nil)
print('form_date days', today - daynum(form_date(1)), today - daynum(form_date(30)),
    today - daynum(form_date(365)), daynum(form_date(-1)) - today, daynum(form_date(-400)) - today)
print('form_date far', form_date(1e12), form_date(1 / 0), form_date(-1 / 0))
try('form_date string', function() return form_date('1') end)
try('form_date nil', function() return form_date() end)
for _, subject in ipairs({ 'age 0', 'age 1', 'age 2', 'age 7' }) do
    local u = uid(d:contain_subject(subject))
    local k = today - daynum(d[u]:fetch_date())
    print(subject, 'newer', has(d:is_newer(k), u), has(d:is_newer(k + 1), u), has(d:is_newer(k - 1), u),
        'older', has(d:is_older(k), u), has(d:is_older(k + 1), u), has(d:is_older(k - 1), u),
        'on', has(d:arrived_on(form_date(k)), u), has(d:sent_on(form_date(k)), u),
        'since', has(d:sent_since(form_date(k)), u), has(d:sent_before(form_date(k)), u))
end
local n = #d:select_all()
print('partition 0', #d:is_newer(0) + #d:is_older(0) == n)
print('partition 3', #d:is_newer(3) + #d:is_older(3) == n)
print('same as form_date', uids(d:is_newer(0.5)) == uids(d:arrived_since(form_date(0.5))),
    uids(d:is_older(1.5)) == uids(d:arrived_before(form_date(1.5))))
print('future', #d:is_newer(-1), #d:is_older(-1) == n, #d:is_newer(-400), #d:is_older(-400) == n)
print('far past', #d:is_older(20000), #d:is_newer(20000) == n)
try('older huge', function() return #d:is_older(1e12) end)
try('newer inf', function() return #d:is_newer(1 / 0) end)
try('older string', function() return #d:is_older('1') end)

-- Sizes: at a message's exact size, at 0, negative and large.
local all = d:select_all()
local sizes = d:fetch_size(all)
local list = {}
for _, v in ipairs(all) do
    table.insert(list, string.format('%02d=%s:%s', v[2], type(sizes[v[2]]), tostring(sizes[v[2]])))
end
table.sort(list)
print('sizes', table.concat(list, ' '))
local empty = uid(d:is_smaller(1))
local tiny = uid(d:contain_subject('tiny'))
local z1 = uid(d:contain_subject('last second of the 9th'))
print('empty and tiny', empty, tiny, z1)
for _, u in ipairs({ empty, tiny, z1 }) do
    if u then
        local s = sizes[u]
        print('size', u, s, 'larger', has(d:is_larger(s), u), has(d:is_larger(s - 1), u),
            'smaller', has(d:is_smaller(s), u), has(d:is_smaller(s + 1), u),
            #d:is_larger(s), #d:is_smaller(s))
    end
end
print('zero', #d:is_larger(0), #d:is_smaller(0), uids(d:is_smaller(1)))
try('larger -1', function() return #d:is_larger(-1) end)
try('smaller -1', function() return #d:is_smaller(-1) end)
try('larger 2^31', function() return #d:is_larger(2 ^ 31) end)
try('smaller 2^32-1', function() return #d:is_smaller(2 ^ 32 - 1) == n end)
try('smaller 2^32', function() return #d:is_smaller(2 ^ 32) end)
try('larger string', function() return #d:is_larger('100') end)

-- The empty and the tiny message, fetched as messages (options.info on).
for _, u in ipairs({ empty, tiny }) do
    if u then
        local m = d[u]
        print('message', u, show(m:fetch_size()), show(m:fetch_date()), show(m:fetch_flags()))
        print('message', u, show(m:fetch_header()), show(m:fetch_body()), show(m:fetch_message()))
        print('message', u, show(m:fetch_field('Subject')), show(m:fetch_fields({ 'Subject', 'Date' })))
    end
end
print('missing', show(d[999]:fetch_size()), show(d[999]:fetch_date()), show(d[999]:fetch_flags()))

-- fetch_date, fetch_size, fetch_flags on results of several messages
-- (the messages of fixed dates only) and on messages.
local fixed = d:arrived_before('01-Jan-2026')
print('dates', show(d:fetch_date(fixed)))
print('fixed sizes', show(d:fetch_size(fixed)))
print('flags', show(d:fetch_flags(fixed)))
for _, v in ipairs({ uid(d:contain_subject('one-digit day')), uid(d:contain_subject('1999')), z1 }) do
    print('date of', v, d[v]:fetch_date(), d[v]:fetch_size(), show(d[v]:fetch_flags()))
end
print('date after', show(d:fetch_date(d:contain_subject('one-digit day'))))
print('fetch none', show(d:fetch_date({})), show(d:fetch_size({})), show(d:fetch_flags({})))
print('fetch other', show(d:fetch_size(my:select_all())), show(d:fetch_date(my:select_all())))

-- Appends with dates in other zones, near midnight, and their arrival.
local msg = 'From: probe@example.com\r\nSubject: appended\r\n\r\nbody\r\n'
for _, date in ipairs({ '10-Mar-2025 00:30:00 +1400', '09-Mar-2025 23:30:00 -0800',
    ' 5-Mar-2025 12:00:00 +0000', '5-Mar-2025 12:00:00 +0000', '05-mar-2025 12:00:00 +0000',
    '05-Mar-2025 12:00:00 +0530', '31-Dec-1969 23:59:59 +0000', '01-Jan-2100 00:00:00 +0000',
    '05-Mar-2025 24:00:00 +0000', '30-Jun-2015 23:59:60 +0000', '31-Feb-2025 12:00:00 +0000',
    '05-Mar-2025 12:00:00', '05-Mar-2025 12:00:00 UTC', '05-Mar-2025 12:00:00 +2400' }) do
    try('append [' .. date .. ']', function()
        return account['dates/appended']:append_message(msg, nil, date)
    end)
end
local app = account['dates/appended']
local appdates = app:fetch_date(app:select_all())
local ad = {}
for _, v in pairs(appdates or {}) do
    -- Dovecot gives the time of arrival to dates it cannot place.
    if daynum(v) >= today - 1 then v = 'about now' end
    table.insert(ad, v)
end
table.sort(ad)
print('appended dates', table.concat(ad, ' | '))
for _, day in ipairs({ '04-Mar-2025', '05-Mar-2025', '09-Mar-2025', '10-Mar-2025', '31-Dec-1969', '01-Jan-1970' }) do
    print('appended', day, #app:arrived_before(day), #app:arrived_on(day), #app:arrived_since(day))
end

-- options.limit: a search given more messages than the limit searches
-- the whole mailbox; a set's search then intersects; stores and copies
-- go in pieces.
local ages = d:contain_subject('age')
options.limit = 3
print('limit direct', uids(d:is_seen(ages)))
print('limit direct few', uids(d:is_seen(d:contain_subject('age 2'))))
print('limit set', uids(ages:is_seen()))
print('limit date', uids(d:arrived_before('01-Jan-2026', ages)))
print('limit size', uids(d:is_smaller(100, ages)), uids(ages:is_smaller(100)))
messages = ages
print('limit keyword', uids(d:has_unkeyword('Nope')))
messages = nil
print('limit store', d:contain_from('dates.example'):add_flags({ 'Lim' }))
print('limit copy', ages:copy_messages(account['dates/copy']))
options.limit = 1
print('limit 1 store', ages:remove_flags({ 'Lim' }), uids(d:has_keyword('Lim')))
print('limit 1 search', uids(d:is_unseen(ages)), uids(d:is_unseen(d:contain_subject('age 7'))))
options.limit = -1
print('limit -1', uids(d:is_seen(ages)))
options.limit = 0

-- options.range: UIDs in ranges of at most range + 1; the same results.
for _, r in ipairs({ 0, 1, 2, -1 }) do
    options.range = r
    print('range', r, uids(d:is_unseen(all)), d:contain_from('dates.example'):add_flags({ 'R' .. (r + 1) }),
        uids(d:has_keyword('R' .. (r + 1))))
end
options.range = math.huge

-- options.charset with date and size searches.
for _, cs in ipairs({ 'UTF-8', 'US-ASCII', 'X-NOPE', 5 }) do
    options.charset = cs
    try('charset ' .. tostring(cs), function()
        return uids(d:sent_on('10-Mar-2025')), uids(d:is_smaller(100)), uids(d:contain_subject('age'))
    end)
end
options.charset = ''

-- Sets of two mailboxes combined, then searched by date and size.
local two = ages + my:select_all()
local msizes = my:fetch_size(my:select_all())
local small = math.huge
for _, s in pairs(msizes) do small = math.min(small, s) end
print('two', uids(two))
print('two newer', uids(two:is_newer(5)), uids(two:is_older(5)))
print('two before', uids(two:arrived_before('01-Jan-2026')), uids(two:sent_since('01-Jan-2026')))
print('two size', uids(two:is_larger(small)), uids(two:is_smaller(small + 1)))
local mixed = (d:arrived_before('11-Mar-2025') + my:select_all()) * (d:is_unseen() + my:is_unseen())
print('mixed', uids(mixed), uids(mixed:sent_since('10-Mar-2025')), uids(mixed:is_smaller(small)))
local diff = (d:select_all() + my:select_all()) - (d:is_seen() + my:is_seen())
print('diff', uids(diff:sent_before('10-Mar-2025')), uids(diff:arrived_on('10-Mar-2025')), uids(diff:is_older(5)))
print('diff chain', uids(diff:is_larger(0):sent_since('09-Mar-2025'):sent_before('11-Mar-2025')))
print('two fetch', show(d:fetch_size(mixed)), show(my:fetch_flags(two)))
print('two fetch dates', show(d:fetch_date(mixed)))
print('Set{} dates', uids(Set {}:is_newer(1)), uids((Set {} + mixed):is_smaller(small)))

-- regex_search: the matched text, captures, no match. (A pattern that
-- does not compile is left out: imapfilter prints "RE failed" and
-- returns nil, mailscript refuses it; docs/imapfilter.md, "PCRE and
-- RE2".)
local function rs(p, s)
    local function pack(...) return select('#', ...), { ... } end
    local count, r = pack(regex_search(p, s))
    local out = {}
    for i = 1, count do out[i] = show(r[i]) end
    return count .. ' ' .. table.concat(out, ' ')
end
print('regex date', rs('^(\\d+)-(\\w{3})-(\\d{4})', '09-Mar-2025 23:59:59 +0000'))
print('regex zone', rs('([+-])(\\d\\d)(\\d\\d)$', '09-Mar-2025 23:59:59 -0800'))
print('regex none', rs('^\\d{2}:', '09-Mar-2025'))
print('regex unset middle', rs('(a)|(b)|(c)', 'c'), rs('(a)|(b)|(c)', 'b'))
print('regex nested', rs('((\\d+)-(\\d+))', 'x 12-34 y'))
print('regex empty capture', rs('a()b', 'ab'), rs('(x*)', 'abc'))
print('regex end', rs('(\\d+)$', 'size 1234\n'), rs('^$', ''))
print('regex nul', rs('b', 'a\0b'), rs('a', 'a\0b'))
print('regex 8bit', rs('(.)ber', '\195\188ber'), rs('caf(.)', 'caf\195\169'))
print('regex case', rs('(?i)MAR', '09-mar-2025'), rs('MAR', '09-mar-2025'))

-- os.date at fixed instants, in UTC.
local t0 = 1700000000
print('os.date', os.date('!%Y-%m-%d %H:%M:%S', t0), os.date('!%d-%b-%Y', t0))
print('os.date c', os.date('!%c', t0))
print('os.date names', os.date('!%a %A %b %B %h %p', t0))
print('os.date numbers', os.date('!%d %e %H %I %j %m %M %S %u %w %y %Y %C %g %G', t0))
print('os.date weeks', os.date('!%U %W %V', t0), os.date('!%U %W %V', 1704067200))
print('os.date composite', os.date('!%D | %F | %T | %R | %r | %x | %X', t0))
print('os.date zone', os.date('!%z %Z', t0), os.date('!%n%t%%', t0) == '\n\t%')
print('os.date modifiers', os.date('!%Ec|%EY|%Od|%Oy', t0))
print('os.date days', os.date('!%e', 1704067200), os.date('!%j', 1704067200))
print('os.date early', os.date('!%Y %C %y', -62101036800), os.date('!%d-%b-%Y', -86400))
print('os.date far', os.date('!%Y', 1e17), os.date('!%Y', 1 / 0), os.date('!%Y', 0 / 0))
print('os.date fraction', os.date('!%H:%M:%S', 86399.9), os.date('!%H:%M:%S', -0.5))
print('os.date default', type(os.date()), #os.date(), #os.date(nil, t0))
print('os.date number format', os.date(5, t0))
print('os.date string time', os.date('!%Y', '86400000'))
for _, f in ipairs({ '%Q', '%', 'x%', '%5d', '%-d', '%E', '%Ez', '%Oa', '%s', '%k' }) do
    try('os.date ' .. f, function() return os.date('!' .. f, t0) end)
end
try('os.date bad time', function() return os.date('!%Y', 'x') end)
try('os.date table format', function() return os.date({}, t0) end)

print('left', uids(d:select_all()))
