-- imapfilter compatibility: the options table, with imapfilter's defaults.
local IF = ...

local defaults = {
    cache = true,
    certificates = true,
    charset = '',
    close = false,
    create = false,
    expunge = true,
    hostnames = true,
    info = true,
    keepalive = 29,
    limit = 0,
    namespace = true,
    range = math.huge,
    starttls = true,
    subscribe = false,
    timeout = 60,
    wakeonany = false,
    dryrun = IF.core.dryrun(),
    -- mailscript's own: match_* on decoded headers (RFC 2047).
    decode_headers = false,
}

-- Options of older imapfilter versions: accepted without a warning.
local legacy = { crammd5 = true, persist = true, recover = true, reenter = true }

options = {}
for k, v in pairs(defaults) do options[k] = v end

setmetatable(options, {
    __newindex = function(t, k, v)
        if not legacy[k] then
            IF.core.warn('unknown option "' .. tostring(k) .. '" (a typo?)')
        end
        rawset(t, k, v)
    end,
})
