-- Sets written by hand (Set{} with pairs, duplicates, UIDs given as
-- strings, the same mailbox under another name) and what searches,
-- arithmetic and actions make of them; actions on a set spanning two
-- mailboxes where one is the destination. Written for the differential
-- test; it prints what each call returns.

account = IMAP {
    server = 'imap.example.com',
    username = 'me',
    password = 'pw',
}

local function uids(set)
    if type(set) ~= 'table' then return type(set) .. ':' .. tostring(set) end
    local t = {}
    for _, v in ipairs(set) do
        local mbox, uid = table.unpack(v)
        table.insert(t, string.format('%s:%s:%s', mbox._mailbox, type(uid), tostring(uid)))
    end
    table.sort(t)
    return #set .. ' [' .. table.concat(t, ' ') .. ']'
end

local function low(set)
    local l
    for _, v in ipairs(set) do if l == nil or v[2] < l then l = v[2] end end
    return l
end

inbox = account.INBOX
my = account.mymailbox
local t1 = low(inbox:contain_from('tux@penguin.land'))
local b1 = low(inbox:contain_from('beastie'))

local dup = Set { { inbox, t1 }, { inbox, t1 }, { inbox, b1 } }
print('dup', uids(dup), dup._type)
print('dup union', uids(dup + Set {}), uids(dup * dup), uids(dup - Set { { inbox, b1 } }))
print('dup search', uids(dup:is_unseen()), uids(dup:select_all()), uids(dup:contain_from('tux')))
print('dup match', uids(dup:match_from('tux')))
print('dup flag', dup:mark_flagged(), dup:add_flags({ 'Dup' }))
print('dup copy', dup:copy_messages(account.Trash))

local str = Set { { inbox, tostring(t1) } }
print('string', uids(str))
print('string union', uids(str + Set { { inbox, t1 } }), uids(str * inbox:contain_from('tux')))
print('string search', uids(str:is_unseen()), uids(str:select_all()))
print('string flag', str:add_flags({ 'Str' }))
print('string fetch', inbox[t1]:fetch_flags() ~= nil)

local lower = account.inbox
print('lower name', lower._mailbox, uids(lower:contain_from('tux')))
local mixed = inbox:contain_from('tux') + lower:contain_from('tux')
print('two names', uids(mixed))
print('two names flag', mixed:add_flags({ 'Both' }))
print('two names search', uids(mixed:is_flagged()))

local pair = Set { { inbox, b1 }, { my, low(my:contain_subject('hello')) } }
print('pair', uids(pair))
print('pair move', pair:move_messages(my))
print('after pair', uids(my:select_all()), uids(inbox:contain_from('beastie')))

local gone = Set { { inbox, 99999 }, { inbox, t1 } }
print('gone', uids(gone:select_all()), uids(gone:is_unseen()))
print('gone flag', gone:add_flags({ 'Gone' }))
print('gone copy', gone:copy_messages(account.Trash))
print('gone move', Set { { inbox, 99999 } }:move_messages(account.Trash))
print('empty literal', uids(Set {}:select_all()), Set {}:mark_seen())

local flags = inbox:fetch_flags(inbox:contain_from('tux'))
local keys = {}
for k, v in pairs(flags) do table.sort(v); table.insert(keys, k .. '=' .. table.concat(v, ',')) end
table.sort(keys)
print('tux flags', table.concat(keys, ' '))
print('trash', #account.Trash:select_all())
