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
rawlen = rawlen or function(v) return #v end

-- load and loadstring of Lua 5.2: a string or a reader function, the
-- chunk's name as Lua 5.2 shows it in errors, mode refusing text chunks
-- ("b"), an environment, and the string escapes of Lua 5.2 (\xHH, \z).
do
    local load51, setfenv, escapes = loadstring, setfenv, IF.escapes
    local find, sub, concat = string.find, string.sub, table.concat
    local function chunkid(name)
        local first = sub(name, 1, 1)
        if first == '=' then return sub(name, 2, 60) end
        if first == '@' then
            if #name <= 60 then return sub(name, 2) end
            return '...' .. sub(name, -56)
        end
        local nl = find(name, '\n', 1, true)
        if #name < 45 and not nl then return '[string "' .. name .. '"]' end
        local l = nl and nl - 1 or #name
        if l > 45 then l = 45 end
        return '[string "' .. sub(name, 1, l) .. '..."]'
    end
    local function read(f)
        local parts = {}
        while true do
            local piece = f()
            if piece == nil or piece == '' then break end
            if type(piece) ~= 'string' then return nil, 'reader function must return a string' end
            parts[#parts + 1] = piece
        end
        return concat(parts)
    end
    load = function(chunk, name, mode, env)
        local src, err = chunk, nil
        if type(chunk) ~= 'string' then
            src, err = read(chunk)
            if not src then return nil, err end
            name = name or '=(load)'
        end
        name = name or src
        local binary = sub(src, 1, 1) == '\27'
        mode = mode or 'bt'
        if not find(mode, binary and 'b' or 't', 1, true) then
            return nil, 'attempt to load a ' .. (binary and 'binary' or 'text') .. " chunk (mode is '" .. mode .. "')"
        end
        local id = chunkid(name)
        src, err = escapes(src, id)
        if not src then return nil, err end
        local f
        f, err = load51(src, id)
        if not f then return nil, err end
        if env ~= nil then setfenv(f, env) end
        return f
    end
    loadstring = function(s, name) return load(s, name) end
end

do
    local log, rep = math.log, string.rep
    math.log = function(x, base)
        if base == nil then return log(x) end
        return log(x) / log(base)
    end
    string.rep = function(s, n, sep)
        if sep == nil or n <= 1 then return rep(s, n) end
        return rep(s .. sep, n - 1) .. s
    end
end

table.move = table.move or function(a1, f, e, t, a2)
    a2 = a2 or a1
    if e >= f then
        if t > f and t <= e and a1 == a2 then
            for i = e - f, 0, -1 do a2[t + i] = a1[f + i] end
        else
            for i = 0, e - f do a2[t + i] = a1[f + i] end
        end
    end
    return a2
end

math.type = math.type or function(x)
    if type(x) ~= 'number' then return nil end
    return x == math.floor(x) and 'integer' or 'float'
end
math.tointeger = math.tointeger or function(x)
    if type(x) == 'number' and x == math.floor(x) then return x end
    return nil
end

-- bit32 of Lua 5.2, on 32-bit unsigned numbers.
if not bit32 then
    local function norm(x) return math.floor(x) % 4294967296 end
    local function bitop(f)
        return function(...)
            local n = select('#', ...)
            local r = n == 0 and (f == 'and' and 4294967295 or 0) or norm((select(1, ...)))
            for i = 2, n do
                local a, b, out, bit = r, norm((select(i, ...))), 0, 1
                for _ = 1, 32 do
                    local x, y = a % 2, b % 2
                    local v
                    if f == 'and' then v = x * y elseif f == 'or' then v = (x + y > 0) and 1 or 0 else v = (x + y) % 2 end
                    out = out + v * bit
                    a, b, bit = (a - x) / 2, (b - y) / 2, bit * 2
                end
                r = out
            end
            return r
        end
    end
    bit32 = {
        band = bitop('and'), bor = bitop('or'), bxor = bitop('xor'),
        bnot = function(x) return 4294967295 - norm(x) end,
        lshift = function(x, n) return norm(norm(x) * 2 ^ n) end,
        rshift = function(x, n) return math.floor(norm(x) / 2 ^ n) end,
        btest = function(...) return bit32.band(...) ~= 0 end,
        extract = function(x, field, width)
            width = width or 1
            return math.floor(norm(x) / 2 ^ field) % 2 ^ width
        end,
    }
end

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
    local fast = IF.core.mailboxes(messages)
    if fast then return fast end
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
    local fast = IF.core.uids(mailbox, messages)
    if fast then return fast end
    local t = {}
    for _, v in ipairs(messages) do
        if v[1] == mailbox then table.insert(t, v[2]) end
    end
    return t
end

-- numbers reports whether every UID of uids is a number (a set written by
-- hand may hold strings).
function IF.numbers(uids)
    for _, m in ipairs(uids) do
        if type(m) ~= 'number' then return false end
    end
    return true
end

-- Sorted UIDs as IMAP ranges (1:4,7), at most options.range per range.
-- UIDs of which one is not a number go as they are, as imapfilter's do.
function IF.ranges(uids)
    if not IF.numbers(uids) then
        local t = {}
        for i, m in ipairs(uids) do t[i] = tostring(m) end
        return t
    end
    local limit = options.range or math.huge
    if type(limit) == 'number' then
        local r = IF.core.ranges(uids, limit)
        if r then return r end
    end
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
