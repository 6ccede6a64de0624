-- imapfilter compatibility: mailboxes, their searches and actions.
local IF = ...
local core = IF.core

Mailbox = {}

function IF.Mailbox(account, name)
    local object = {}
    object._type = 'mailbox'
    object._account = account
    object._mailbox = name
    object._string = account._string .. '/' .. name
    IF.methods(Mailbox, object)
    setmetatable(object, {
        __index = function(self, key)
            -- imapfilter makes a message of any key; a UID written as a
            -- string ("10", from a pattern's capture, say) is one here too.
            local uid = key
            if type(key) == 'string' then uid = tonumber(key) end
            if type(uid) ~= 'number' then return nil end
            local m = IF.Message(self._account, self, uid)
            rawset(self, key, m)
            return m
        end,
    })
    return object
end
setmetatable(Mailbox, { __call = function(_, account, name) return IF.Mailbox(account, name) end })

local function session(self) return IF.session(self._account) end

local function after(self)
    if options.close == true then
        core.close(session(self))
        rawset(self, '_ahead', nil)
    end
end

-- Searching ---------------------------------------------------------------

function Mailbox._send_query(self, criteria, messages)
    IF.check_optional(criteria, { 'string', 'table' }, 3)
    IF.check_optional(messages, 'table', 3)
    local mesgs = messages and IF.uids(self, messages)
    local scope
    if mesgs == nil or #mesgs == 0 or options.limit > 0 and #mesgs > options.limit then
        scope = 'ALL'
    else
        scope = 'UID ' .. table.concat(IF.ranges(mesgs), ',')
    end
    -- (Not when a UID is a string: imapfilter's intersection of the set
    -- with the result keeps apart "10" and 10.)
    local within = scope ~= 'ALL' and IF.numbers(mesgs) and messages or nil
    local query
    if criteria == nil then
        query = scope
    elseif type(criteria) == 'string' then
        query = scope .. ' ' .. criteria
    else
        query = IF.make_query(criteria, scope)
    end
    local charset = type(options.charset) == 'string' and options.charset or ''
    local ok, uids = core.search(session(self), self._mailbox, query, charset)
    if not ok then return {} end
    after(self)
    local t, ascending = core.result(self, uids)
    rawset(self, '_last', { uids = uids })
    if within and ascending then
        -- Every pair is one of messages', in their order: a search
        -- within a result need not intersect with it (set.lua).
        IF.within[t] = within
    end
    return t
end

function Mailbox.send_query(self, criteria, messages)
    -- _send_query has told self the UIDs of its result already.
    return IF.SetOf(self._send_query(self, criteria, messages))
end

function Mailbox.select_all(self)
    return self.send_query(self)
end

local flagsearch = {
    is_answered = 'ANSWERED', is_deleted = 'DELETED', is_draft = 'DRAFT',
    is_flagged = 'FLAGGED', is_new = 'NEW', is_old = 'OLD', is_recent = 'RECENT',
    is_seen = 'SEEN', is_unanswered = 'UNANSWERED', is_undeleted = 'UNDELETED',
    is_undraft = 'UNDRAFT', is_unflagged = 'UNFLAGGED', is_unseen = 'UNSEEN',
}
for name, key in pairs(flagsearch) do
    Mailbox[name] = function(self, messages)
        return self.send_query(self, key, messages)
    end
end

-- imapfilter's has_keyword and has_unkeyword name their third parameter
-- "message" and search within the global "messages": a result passed to
-- them is ignored (Set:has_keyword intersects with its set afterwards),
-- and a config's own global "messages" limits the search.
function Mailbox.has_keyword(self, flag, _)
    IF.check_required(flag, 'string')
    return self.send_query(self, 'KEYWORD ' .. flag, rawget(_G, 'messages'))
end
Mailbox.has_flag = Mailbox.has_keyword

function Mailbox.has_unkeyword(self, flag, _)
    IF.check_required(flag, 'string')
    return self.send_query(self, 'UNKEYWORD ' .. flag, rawget(_G, 'messages'))
end

for name, key in pairs({ is_larger = 'LARGER', is_smaller = 'SMALLER' }) do
    Mailbox[name] = function(self, size, messages)
        IF.check_required(size, 'number')
        IF.check_optional(messages, 'table')
        return self.send_query(self, key .. ' ' .. tostring(size), messages)
    end
end

local datesearch = {
    arrived_on = 'ON', arrived_before = 'BEFORE', arrived_since = 'SINCE',
    sent_on = 'SENTON', sent_before = 'SENTBEFORE', sent_since = 'SENTSINCE',
}
for name, key in pairs(datesearch) do
    Mailbox[name] = function(self, date, messages)
        IF.check_required(date, 'string')
        return self.send_query(self, key .. ' ' .. date, messages)
    end
end

function Mailbox.is_newer(self, days, messages)
    IF.check_required(days, 'number')
    return self.send_query(self, 'SINCE ' .. form_date(days), messages)
end

function Mailbox.is_older(self, days, messages)
    IF.check_required(days, 'number')
    return self.send_query(self, 'BEFORE ' .. form_date(days), messages)
end

function Mailbox.contain_field(self, field, s, messages)
    IF.check_required(field, 'string')
    IF.check_required(s, 'string')
    return self.send_query(self, 'HEADER ' .. field .. ' "' .. s .. '"', messages)
end

local textsearch = {
    contain_bcc = 'BCC', contain_cc = 'CC', contain_from = 'FROM',
    contain_subject = 'SUBJECT', contain_to = 'TO', contain_body = 'BODY',
    contain_message = 'TEXT',
}
for name, key in pairs(textsearch) do
    Mailbox[name] = function(self, s, messages)
        IF.check_required(s, 'string')
        return self.send_query(self, key .. ' "' .. s .. '"', messages)
    end
end

function Mailbox.contain_header(self, s, messages)
    IF.check_required(s, 'string')
    return self.send_query(self, 'TEXT "' .. s .. '" NOT BODY "' .. s .. '"', messages)
end

-- Fetching ----------------------------------------------------------------

-- readahead is how many messages of the last result (or search) a fetch for one
-- message brings along: a config looping over a result and fetching
-- each message's subject makes one request per 200 messages, not one
-- per message. What is read ahead stays out of the messages' cache until
-- asked for; what was read of a message is forgotten when it is deleted.
local readahead = 200

-- cache returns the mailbox's cache called name: {uid = value}. What
-- was fetched of a message is kept by UID in its mailbox (a UID is never
-- reused), so fetching for many messages builds no message objects.
local function cache(self, name)
    local all = rawget(self, '_cache')
    if all == nil then
        all = {}
        rawset(self, '_cache', all)
    end
    local c = all[name]
    if c == nil then
        c = {}
        all[name] = c
    end
    return c
end

-- positions returns the position of each UID in the result a mailbox
-- remembers (_last: set.lua's remember), {uid = i}, made on first use.
local function positions(last)
    if last.pos == nil then
        local pos = {}
        for i, u in ipairs(last.uids) do pos[u] = i end
        last.pos = pos
    end
    return last.pos
end

-- together is how many header fields a read-ahead brings at once: a
-- loop fetching each message's From, To and Subject asks for the three
-- in one request per 200 messages, not in three. A read-ahead of a field
-- brings along the other fields read ahead in the same result (the last
-- together - 1 of them, most recent first); each stays out of its cache
-- until asked for, as any read-ahead. A new result starts afresh, so a
-- field a past loop wanted (one the server may have to read every
-- message file for) is not fetched for a loop that does not ask for it.
local together = 8

-- fields_along returns the fields to read ahead with field name in the
-- mailbox's last result, and makes name the most recent. Only plain
-- names go along: a name that is not one atom goes alone.
local function fields_along(self, name)
    local plain = function(f) return string.match(f, '^[%w%-_]+$') ~= nil end
    if not plain(name) then return {} end
    local last, seen = rawget(self, '_last'), rawget(self, '_fields')
    local recent = {}
    if seen ~= nil and seen.last == last then recent = seen.names end
    local along, now = {}, { name }
    for _, f in ipairs(recent) do
        if string.lower(f) ~= string.lower(name) and #now < together then
            table.insert(along, f)
            table.insert(now, f)
        end
    end
    rawset(self, '_fields', { last = last, names = now })
    return along
end

-- fetch_cached fetches kind (with arg) of the messages not cached yet, in
-- one request, and returns {uid = value}, or with positional the values
-- in the order of uids ({value of uids[1], ...}); cname names the cache
-- of the values (nil: never cached). Positional results are for the
-- calls on one message: a table keyed by a large UID costs gopher-lua an
-- array as long as the UID.
local function fetch_cached(self, uids, kind, arg, cname, convert, positional)
    if not uids or #uids == 0 then return nil end
    local caching = cname ~= nil and options.cache == true
    local key = kind .. ':' .. (arg or '')
    local c = caching and cache(self, cname)
    local ahead = caching and rawget(self, '_ahead') and self._ahead[key]
    local results, missing, at = {}, {}, {}
    for i, m in ipairs(uids) do
        local v
        if caching then
            v = c[m]
            if v == nil and ahead and ahead[m] ~= nil then
                v, ahead[m] = ahead[m], nil
                c[m] = v
            end
        end
        if v ~= nil then
            results[positional and i or m] = v
        else
            table.insert(missing, m)
            table.insert(at, positional and i or m)
        end
    end
    if #missing > 0 then
        local last = rawget(self, '_last')
        local fetch, single = missing, nil
        if caching and #missing == 1 and last and positions(last)[missing[1]] then
            single = missing[1]
            fetch = { single }
            local i = last.pos[single]
            for j = i + 1, math.min(i + readahead - 1, #last.uids) do
                local u = last.uids[j]
                if c[u] == nil and not (ahead and ahead[u] ~= nil) then
                    table.insert(fetch, u)
                end
            end
        end
        local along = {}
        if single ~= nil and kind == 'fields' then along = fields_along(self, arg) end
        local request = arg
        if #along > 0 then request = arg .. ' ' .. table.concat(along, ' ') end
        local ok, got = core.fetch(session(self), self._mailbox, fetch, kind, request)
        if not ok then return nil end
        if #along > 0 then
            -- Each field's lines, as the server answers for it alone.
            rawset(self, '_ahead', rawget(self, '_ahead') or {})
            for _, f in ipairs(along) do
                local fc, fk = cache(self, 'field:' .. f), 'fields:' .. f
                local fa = self._ahead[fk] or {}
                self._ahead[fk] = fa
                for _, m in ipairs(fetch) do
                    if got[m] ~= nil and fc[m] == nil and fa[m] == nil then
                        local v = core.fields(got[m], f)
                        if convert then v = convert(v) end
                        fa[m] = v
                    end
                end
            end
            for _, m in ipairs(fetch) do
                if got[m] ~= nil then got[m] = core.fields(got[m], arg) end
            end
        end
        for _, m in ipairs(fetch) do
            local v = got[m]
            if v ~= nil then
                if convert then
                    v = convert(v)
                    got[m] = v
                end
                if single == nil or m == single then
                    if caching then c[m] = v end
                else
                    rawset(self, '_ahead', rawget(self, '_ahead') or {})
                    self._ahead[key] = self._ahead[key] or {}
                    self._ahead[key][m] = v
                end
            end
        end
        for k, m in ipairs(missing) do
            if got[m] ~= nil then results[at[k]] = got[m] end
        end
    end
    after(self)
    return results
end

function Mailbox._fetch_fast(self, uids, positional)
    return fetch_cached(self, uids, 'fast', nil, nil, nil, positional)
end

function Mailbox._fetch_flags(self, uids, positional)
    return fetch_cached(self, uids, 'flags', nil, nil, nil, positional)
end

function Mailbox._fetch_date(self, uids, positional)
    return fetch_cached(self, uids, 'date', nil, 'date', nil, positional)
end

function Mailbox._fetch_size(self, uids, positional)
    return fetch_cached(self, uids, 'size', nil, 'size', nil, positional)
end

function Mailbox._fetch_header(self, uids, positional)
    return fetch_cached(self, uids, 'header', nil, 'header', nil, positional)
end

function Mailbox._fetch_body(self, uids, positional)
    return fetch_cached(self, uids, 'text', nil, 'body', nil, positional)
end

function Mailbox._fetch_structure(self, uids, positional)
    local r = fetch_cached(self, uids, 'structure', nil, 'structure', nil, positional)
    -- A string is the error of imapfilter's parser of structures (see
    -- structureOf), raised when that message's structure is asked for.
    for i, m in ipairs(r and uids or {}) do
        local v = r[positional and i or m]
        if type(v) == 'string' then error(v, 0) end
    end
    return r
end

function Mailbox._fetch_message(self, uids, positional)
    if not uids or #uids == 0 then return nil end
    local header = self._fetch_header(self, uids, positional) or {}
    local body = self._fetch_body(self, uids, positional) or {}
    local results = {}
    for i, m in ipairs(uids) do
        local k = positional and i or m
        if header[k] ~= nil then results[k] = header[k] .. (body[k] or '') end
    end
    return results
end

-- Header fields come as "Name: value\r\n" lines; each field's block ends
-- in a blank line that becomes one newline, and the last newline goes.
-- For many messages at once the whole headers are fetched (and cached)
-- and the fields taken from them: one pass of the server over the
-- messages, not one per field asked for.
local bulk = 20

-- unblank turns a field's block, "Name: value\r\n\r\n", into
-- "Name: value\n" (the blank line that ends it becomes one newline).
local function unblank(v)
    if string.sub(v, -4) == '\r\n\r\n' then return string.sub(v, 1, -5) .. '\n' end
    return v
end

-- field_names raises imapfilter's error for a field name that is not a
-- string (its core's check, made when the field is fetched).
local function field_names(fields)
    for _, f in ipairs(fields) do
        if type(f) ~= 'string' then
            error("bad argument #3 to 'fetchfields' (string expected, got " .. type(f) .. ')', 0)
        end
    end
end

function Mailbox._fetch_fields(self, fields, uids, positional)
    if not uids or #uids == 0 then return nil end
    if #uids >= bulk and options.cache == true then
        local headers = self._fetch_header(self, uids)
        if headers == nil then return nil end
        field_names(fields)
        local caches = {}
        for _, f in ipairs(fields) do caches[f] = cache(self, 'field:' .. f) end
        local r = core.fields_of(headers, uids, fields, caches)
        if not positional then return r end
        local p = {}
        for i, m in ipairs(uids) do p[i] = r[m] end
        return p
    end
    -- As imapfilter's: nothing when the mailbox cannot be selected, and
    -- '' for a message that is not there.
    if self._cached_select(self) ~= true then return nil end
    field_names(fields)
    local results = {}
    for i, m in ipairs(uids) do results[positional and i or m] = '' end
    for _, f in ipairs(fields) do
        local got = fetch_cached(self, uids, 'fields', f, 'field:' .. f, unblank, positional)
        if got == nil then break end
        for i, m in ipairs(uids) do
            local k = positional and i or m
            if got[k] then results[k] = results[k] .. got[k] end
        end
    end
    for i, m in ipairs(uids) do
        local k = positional and i or m
        local r = results[k]
        if string.sub(r, -1) == '\n' then results[k] = string.sub(r, 1, -2) end
    end
    return results
end

function Mailbox._fetch_parts(self, parts, uid)
    local results = {}
    for _, part in ipairs(parts) do
        local got = fetch_cached(self, { uid }, 'part', part, 'part:' .. part, nil, true)
        if got == nil then break end
        results[part] = got[1] or ''
    end
    return results
end

for _, name in ipairs({ 'flags', 'date', 'size', 'header', 'body', 'message', 'structure' }) do
    Mailbox['fetch_' .. name] = function(self, messages)
        IF.check_required(messages, 'table')
        return self['_fetch_' .. name](self, IF.uids(self, messages))
    end
end

function Mailbox.fetch_fields(self, fields, messages)
    IF.check_required(fields, 'table')
    IF.check_required(messages, 'table')
    return self._fetch_fields(self, fields, IF.uids(self, messages))
end

function Mailbox.fetch_parts(self, parts, message)
    IF.check_required(parts, 'table')
    IF.check_required(message, 'number')
    return self._fetch_parts(self, parts, message)
end

-- Matching (client side, PCRE semantics; see regex_search) ---------------

local function matcher(pattern)
    -- Compile first: a pattern RE2 cannot take fails before any request.
    regex_search(pattern, '')
    if options.decode_headers == true then
        return function(s) return regex_search(pattern, core.decode(s)) end
    end
    return function(s) return regex_search(pattern, s) end
end

local function scope(self, messages)
    if not messages then messages = self._send_query(self) end
    return IF.uids(self, messages)
end

-- matching returns the result of the messages of uids whose text
-- matches: match(text) in Lua for each, or, while regex_search is still
-- this layer's own, the same test done in Go for all of them at once
-- (strip: the text is a field, matched without its "Name: " prefix;
-- decode: its encoded words decoded first).
local function matching(self, uids, texts, pattern, match, strip, decode)
    local results = {}
    if regex_search == IF.regex_search then
        for _, m in ipairs(core.match_all(texts, uids, pattern, strip, decode)) do
            table.insert(results, { self, m })
        end
        return IF.Set(results)
    end
    for _, m in ipairs(uids) do
        local t = texts[m]
        if t ~= nil and strip then t = (string.gsub(t, '^[^:]*: ?(.*)$', '%1')) end
        if t ~= nil and match(t) then table.insert(results, { self, m }) end
    end
    return IF.Set(results)
end

function Mailbox.match_field(self, field, pattern, messages)
    IF.check_required(field, 'string')
    IF.check_required(pattern, 'string')
    local match = matcher(pattern)
    local uids = scope(self, messages)
    local fields = self._fetch_fields(self, { field }, uids)
    if #uids == 0 or fields == nil then return IF.Set({}) end
    return matching(self, uids, fields, pattern, match, true, options.decode_headers == true)
end

for name, field in pairs({ match_bcc = 'Bcc', match_cc = 'Cc', match_from = 'From',
                           match_subject = 'Subject', match_to = 'To' }) do
    Mailbox[name] = function(self, pattern, messages)
        IF.check_required(pattern, 'string')
        return self.match_field(self, field, pattern, messages)
    end
end

for name, fetcher in pairs({ match_header = '_fetch_header', match_body = '_fetch_body',
                             match_message = '_fetch_message' }) do
    Mailbox[name] = function(self, pattern, messages)
        IF.check_required(pattern, 'string')
        local match = matcher(pattern)
        if name ~= 'match_header' then
            match = function(s) return regex_search(pattern, s) end
        end
        local uids = scope(self, messages)
        local texts = self[fetcher](self, uids)
        if #uids == 0 or texts == nil then return IF.Set({}) end
        return matching(self, uids, texts, pattern, match, false,
                        name == 'match_header' and options.decode_headers == true)
    end
end

-- Actions -----------------------------------------------------------------

function Mailbox._flag_messages(self, mode, flags, uids)
    if not uids or #uids == 0 then return nil end
    local ahead = rawget(self, '_ahead')
    if mode ~= 'remove' and ahead then
        for _, f in ipairs(flags) do
            if string.lower(f) == '\\deleted' then
                -- These messages go: forget what was read ahead of them.
                for _, t in pairs(ahead) do
                    for _, m in ipairs(uids) do t[m] = nil end
                end
            end
        end
    end
    local r = core.store(session(self), self._mailbox, uids, mode, flags, options.expunge == true)
    after(self)
    return r
end

function Mailbox._copy_messages(self, dest, uids)
    if not uids or #uids == 0 then return nil end
    if self._account == dest._account then
        local r = core.copy(session(self), self._mailbox, uids, dest._mailbox, options.subscribe == true)
        after(self)
        return r
    end
    -- Another account: download and upload, keeping flags and date.
    local fast = self._fetch_fast(self, uids)
    local mesgs = self._fetch_message(self, uids)
    if fast == nil or mesgs == nil then return false end
    local batch = {}
    for _, m in ipairs(uids) do
        if fast[m] and mesgs[m] then
            table.insert(batch, { mesgs[m], table.concat(fast[m].flags, ' '), fast[m].date })
        end
    end
    return core.append_all(session(dest), dest._mailbox, batch, options.subscribe == true)
end

local flagactions = {
    mark_answered = { 'add', '\\Answered', 'marked answered' },
    mark_deleted = { 'add', '\\Deleted', 'marked deleted' },
    mark_draft = { 'add', '\\Draft', 'marked draft' },
    mark_flagged = { 'add', '\\Flagged', 'marked flagged' },
    mark_seen = { 'add', '\\Seen', 'marked seen' },
    unmark_answered = { 'remove', '\\Answered', 'unmarked answered' },
    unmark_deleted = { 'remove', '\\Deleted', 'unmarked deleted' },
    unmark_draft = { 'remove', '\\Draft', 'unmarked draft' },
    unmark_flagged = { 'remove', '\\Flagged', 'unmarked flagged' },
    unmark_seen = { 'remove', '\\Seen', 'unmarked seen' },
    delete_messages = { 'add', '\\Deleted', 'deleted' },
}
for name, a in pairs(flagactions) do
    Mailbox[name] = function(self, messages)
        IF.check_required(messages, 'table')
        local uids = IF.uids(self, messages)
        local r = self._flag_messages(self, a[1], { a[2] }, uids)
        if r == true then IF.info('%d messages %s in %s.', #uids, a[3], self._string) end
        return r
    end
end

for name, mode in pairs({ add_flags = 'add', remove_flags = 'remove', replace_flags = 'replace' }) do
    Mailbox[name] = function(self, flags, messages)
        IF.check_required(flags, 'table')
        IF.check_required(messages, 'table')
        local uids = IF.uids(self, messages)
        local r = self._flag_messages(self, mode, flags, uids)
        if r == true then IF.info('%d messages flagged in %s.', #uids, self._string) end
        return r
    end
end

function Mailbox.copy_messages(self, dest, messages)
    IF.check_required(dest, 'table')
    IF.check_required(messages, 'table')
    local uids = IF.uids(self, messages)
    local r = self._copy_messages(self, dest, uids)
    if r == true then
        IF.info('%d messages copied from %s to %s.', #uids, self._string, dest._string)
    end
    return r
end

-- A move is a copy, then \Deleted and (options.expunge) a UID EXPUNGE of
-- exactly the messages moved.
function Mailbox.move_messages(self, dest, messages)
    IF.check_required(dest, 'table')
    IF.check_required(messages, 'table')
    local uids = IF.uids(self, messages)
    local rc = self._copy_messages(self, dest, uids)
    local rf = false
    if rc == true then rf = self._flag_messages(self, 'add', { '\\Deleted' }, uids) end
    if rc == true and rf == true then
        IF.info('%d messages moved from %s to %s.', #uids, self._string, dest._string)
    end
    return rc == true and rf == true
end

function Mailbox.append_message(self, message, flags, date)
    IF.check_required(message, 'string')
    IF.check_optional(flags, { 'string', 'table' })
    IF.check_optional(date, 'string')
    if type(flags) == 'table' then flags = table.concat(flags, ' ') end
    local r = core.append(session(self), self._mailbox, message, flags, date, options.subscribe == true)
    if not r then return false end
    IF.info('Appended message of %d octets to %s.', #message, self._string)
    return true
end

-- Status and waiting --------------------------------------------------------

function Mailbox.check_status(self)
    local s = session(self)
    core.close(s, self._mailbox)
    local ok, exist, recent, unseen, uidnext = core.status(s, self._mailbox)
    if not ok then return -1, -1, -1, -1 end
    IF.info('%d messages, %d recent, %d unseen, in %s.', exist, recent, unseen, self._string)
    return exist, recent, unseen, uidnext
end

function Mailbox.enter_idle(self)
    local ok, event = core.idle(session(self), self._mailbox, options.wakeonany == true)
    if not ok then return false end
    after(self)
    if type(event) == 'string' then return true, string.upper(event) end
    return true
end

function Mailbox.open(self)
    return (core.select(session(self), self._mailbox))
end

function Mailbox.close(self)
    return core.close(session(self))
end
Mailbox._cached_select = Mailbox.open
Mailbox._cached_close = Mailbox.close
