-- imapfilter compatibility: result sets.
-- A result is an array of {mailbox, uid} pairs with the methods of Set;
-- + is union, * intersection, - difference. Results of set operations
-- are ordered by mailbox (first appearance) and UID.
local IF = ...

Set = {}

-- new makes values a result. As in imapfilter, a result holds the
-- functions of Set (_new among them) and, in _mt, a metatable of its own:
-- a config that walks a result with pairs counts them all.
local function new(values)
    local object = values or {}
    object._type = 'set'
    IF.methods(Set, object)
    object._mt = {
        __add = Set._union, __mul = Set._intersection, __sub = Set._difference,
    }
    setmetatable(object, object._mt)
    return object
end

function Set._new(_, values) return new(values) end

-- remember tells each mailbox of a result its UIDs there: a loop over
-- the result that fetches message by message then reads ahead along them
-- (see mailbox.lua).
local function remember(set)
    if IF.core.remember(set) then return set end
    local per = {}
    for _, v in ipairs(set) do
        local b = v[1]
        if type(b) == 'table' and b._type == 'mailbox' then
            per[b] = per[b] or {}
            table.insert(per[b], v[2])
        end
    end
    for b, uids in pairs(per) do
        rawset(b, '_last', { uids = uids })
    end
    return set
end

-- index(a, b): {mailbox = {uid = true}} and the mailbox order.
local function index(...)
    local t, order = {}, {}
    for i = 1, select('#', ...) do
        for _, v in ipairs(select(i, ...)) do
            local b, m = v[1], v[2]
            if not t[b] then
                t[b] = {}
                table.insert(order, b)
            end
            t[b][m] = true
        end
    end
    return t, order
end

-- before orders UIDs; a set written by hand may hold a UID as a string
-- ("10", which stays apart from 10, as in imapfilter): numbers first.
local function before(x, y)
    local tx, ty = type(x), type(y)
    if tx ~= ty then return tx < ty end
    if tx == 'number' or tx == 'string' then return x < y end
    return tostring(x) < tostring(y)
end

local function collect(t, order)
    local set = new()
    for _, b in ipairs(order) do
        local uids = {}
        for m in pairs(t[b]) do table.insert(uids, m) end
        table.sort(uids, before)
        for _, m in ipairs(uids) do table.insert(set, { b, m }) end
    end
    return remember(set)
end

-- fast returns the result of op done in Go, or nil when a pair is not
-- {mailbox, number} (the Lua code below then does it).
local function fast(op, a, b)
    local got = IF.core.setop(op, a, b)
    if got == nil then return nil end
    return remember(new(got))
end

function Set._union(a, b)
    local r = fast('union', a, b)
    if r then return r end
    return collect(index(a, b))
end

function Set._intersection(a, b)
    local r = fast('intersection', a, b)
    if r then return r end
    local ta, order = index(a)
    local tb = index(b)
    for _, box in ipairs(order) do
        for m in pairs(ta[box]) do
            if not (tb[box] and tb[box][m]) then ta[box][m] = nil end
        end
    end
    return collect(ta, order)
end

function Set._difference(a, b)
    local r = fast('difference', a, b)
    if r then return r end
    local ta, order = index(a)
    local tb = index(b)
    for box, uids in pairs(tb) do
        if ta[box] then
            for m in pairs(uids) do ta[box][m] = nil end
        end
    end
    return collect(ta, order)
end


-- Actions: applied to each mailbox of the set; true when all succeeded.
local actions = {
    'mark_answered', 'mark_deleted', 'mark_draft', 'mark_flagged', 'mark_seen',
    'unmark_answered', 'unmark_deleted', 'unmark_draft', 'unmark_flagged',
    'unmark_seen', 'delete_messages',
}
for _, name in ipairs(actions) do
    Set[name] = function(self)
        local r = true
        for _, mbox in ipairs(IF.mailboxes(self)) do
            if not mbox[name](mbox, self) then r = false end
        end
        return r
    end
end

for _, name in ipairs({ 'add_flags', 'remove_flags', 'replace_flags' }) do
    Set[name] = function(self, flags)
        IF.check_required(flags, 'table')
        local r = true
        for _, mbox in ipairs(IF.mailboxes(self)) do
            if not mbox[name](mbox, flags, self) then r = false end
        end
        return r
    end
end

for _, name in ipairs({ 'copy_messages', 'move_messages' }) do
    Set[name] = function(self, dest)
        IF.check_required(dest, 'table')
        local r = true
        for _, mbox in ipairs(IF.mailboxes(self)) do
            if not mbox[name](mbox, dest, self) then r = false end
        end
        return r
    end
end

-- Searches ("meta-searching"): the search runs in each mailbox of the
-- set, restricted to the set's messages, and the result is intersected
-- with the set.
local searches = {
    select_all = 0, is_answered = 0, is_deleted = 0, is_draft = 0,
    is_flagged = 0, is_new = 0, is_old = 0, is_recent = 0, is_seen = 0,
    is_unanswered = 0, is_undeleted = 0, is_undraft = 0, is_unflagged = 0,
    is_unseen = 0,
    send_query = 1, has_keyword = 1, has_flag = 1, has_unkeyword = 1,
    is_larger = 1, is_smaller = 1, arrived_on = 1, arrived_before = 1,
    arrived_since = 1, sent_on = 1, sent_before = 1, sent_since = 1,
    is_newer = 1, is_older = 1, contain_bcc = 1, contain_cc = 1,
    contain_from = 1, contain_subject = 1, contain_to = 1, contain_header = 1,
    contain_body = 1, contain_message = 1, match_bcc = 1, match_cc = 1,
    match_from = 1, match_subject = 1, match_to = 1, match_header = 1,
    match_body = 1, match_message = 1,
    contain_field = 2, match_field = 2,
}
for name, nargs in pairs(searches) do
    Set[name] = function(self, a, b)
        if name ~= 'send_query' then
            if nargs >= 1 then IF.check_required(a, name:match('larger') and 'number' or name:match('smaller') and 'number' or name:match('newer') and 'number' or name:match('older') and 'number' or 'string') end
            if nargs == 2 then IF.check_required(b, 'string') end
        end
        -- search runs the search in mbox, within self's messages there.
        local function search(mbox)
            if name == 'select_all' then
                return mbox.select_all(mbox)
            elseif nargs == 0 then
                return mbox[name](mbox, self)
            elseif nargs == 1 then
                return mbox[name](mbox, a, self)
            end
            return mbox[name](mbox, a, b, self)
        end
        local boxes = IF.mailboxes(self)
        if #boxes == 1 then
            -- A result that says it holds only self's pairs, in order
            -- (mailbox.lua), is self * result already.
            local r = search(boxes[1])
            if IF.within[r] == self then return r end
            return self * r
        end
        local set = new()
        for _, mbox in ipairs(boxes) do
            set = set + search(mbox)
        end
        return self * set
    end
end

setmetatable(Set, { __call = function(_, values) return new(values) end })
IF.Set = function(values) return remember(new(values)) end
-- SetOf makes a result of values without telling its mailboxes their
-- UIDs, for a caller that has.
IF.SetOf = new
-- within[result] is the result a search ran within, when every pair of
-- result is one of its pairs, in its order (weak keys: results come and
-- go).
IF.within = setmetatable({}, { __mode = 'k' })
