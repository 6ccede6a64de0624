-- imapfilter compatibility: shared helpers.
-- The private table IF (the chunk's argument) carries the Go core and
-- what the other files share; imapfilter's API itself is global.
local IF = ...

-- Lua 5.2+ names configs use, on Lua 5.1.
table.unpack = table.unpack or unpack
unpack = unpack or table.unpack
table.pack = table.pack or function(...)
    return { n = select('#', ...), ... }
end
if not math.pow then math.pow = function(a, b) return a ^ b end end

function IF.check_required(arg, argtype, level)
    if arg == nil then
        error('required argument left out', (level or 2) + 1)
    end
    IF.check_optional(arg, argtype, (level or 2) + 1)
end

function IF.check_optional(arg, argtype, level)
    if arg == nil then return end
    local want = type(argtype) == 'table' and argtype or { argtype }
    for _, t in ipairs(want) do
        if type(arg) == t then return end
    end
    error(table.concat(want, ' or ') .. ' argument expected, got ' .. type(arg),
          (level or 2) + 1)
end

-- The mailboxes of a result table, in the order they first appear.
function IF.mailboxes(messages)
    local seen, order = {}, {}
    for _, v in ipairs(messages) do
        local b = v[1]
        if b ~= nil and not seen[b] then
            seen[b] = true
            table.insert(order, b)
        end
    end
    return order
end

-- The UIDs of a result table that belong to mailbox.
function IF.uids(mailbox, messages)
    local t = {}
    for _, v in ipairs(messages) do
        if v[1] == mailbox then table.insert(t, v[2]) end
    end
    return t
end

-- Sorted UIDs as IMAP ranges (1:4,7), at most options.range per range.
function IF.ranges(uids)
    local sorted = {}
    for i, m in ipairs(uids) do sorted[i] = m end
    table.sort(sorted)
    local t = {}
    local a, z
    local limit = options.range or math.huge
    for _, m in ipairs(sorted) do
        if a == nil then
            a, z = m, m
        elseif m == z + 1 and m - a <= limit then
            z = m
        elseif m ~= z then
            table.insert(t, a == z and tostring(a) or (a .. ':' .. z))
            a, z = m, m
        end
    end
    if a ~= nil then
        table.insert(t, a == z and tostring(a) or (a .. ':' .. z))
    end
    return t
end

-- send_query's criteria given as a table: strings are ANDed, inner
-- tables ORed (or the other way round with invert = true).
function IF.make_query(criteria, messages)
    local s = messages .. ' '
    if criteria.invert ~= true then
        for _, va in ipairs(criteria) do
            if type(va) == 'string' then
                s = s .. '(' .. va .. ') '
            elseif type(va) == 'table' then
                s = s .. string.rep('OR ', #va - 1)
                for _, vo in ipairs(va) do
                    if type(vo) ~= 'string' then
                        error('filter rule not a string', 3)
                    end
                    s = s .. '(' .. vo .. ') '
                end
            else
                error('filter element not a string or table', 3)
            end
        end
    else
        s = s .. string.rep('OR ', #criteria - 1)
        for _, vo in ipairs(criteria) do
            if type(vo) == 'string' then
                s = s .. '(' .. vo .. ') '
            elseif type(vo) == 'table' then
                local parts = {}
                for _, va in ipairs(vo) do
                    if type(va) ~= 'string' then
                        error('filter rule not a string', 3)
                    end
                    table.insert(parts, va)
                end
                s = s .. '(' .. table.concat(parts, ' ') .. ') '
            else
                error('filter rule not a string or table', 3)
            end
        end
    end
    return (string.gsub(s, ' +$', ''))
end

-- Copy the functions of class into object (imapfilter's objects carry
-- their methods as fields, so account.login is the method, not a mailbox).
function IF.methods(class, object)
    for k, v in pairs(class) do
        if type(v) == 'function' then object[k] = v end
    end
end

function IF.info(fmt, ...)
    if options.info == true then print(string.format(fmt, ...)) end
end
