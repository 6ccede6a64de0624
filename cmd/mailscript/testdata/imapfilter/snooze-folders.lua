-- Snoozing by folders: every mailbox named Snooze_<n><unit> under a base
-- folder (found with list_all and a pattern, its count and unit taken
-- apart with string.match) holds mail to put away for that long. Each
-- message is fetched whole with its flags and internal date, an
-- X-Snooze-Until header with the wake time (os.time, or the start of
-- the day by os.date("*t") and os.time of a table, plus the interval) is
-- put in front of it after string.gsub has taken out an older one, and
-- it is appended to the Snoozed folder with one keyword more; what was
-- appended is deleted as a Set {} filled by table.insert. Then the mail
-- of Snoozed whose time has come (fetch_field, tonumber) loses the
-- keyword, gets another, is marked unseen and moves back to INBOX.
-- Modelled on kaosfere/snoozebox, snoozebox.lua and config.lua.example
-- (13c3867), with the mail of the test corpus.

local snooze = {}

local seconds = { h = 3600, d = 86400, w = 7 * 86400, m = 30 * 86400, y = 365 * 86400 }

local function midnight(t)
    local d = os.date("*t", t)
    return os.time({ year = d.year, month = d.month, day = d.day, hour = 0 })
end

local function stamp(text, wake)
    local plain = string.gsub(text, "X%-Snooze%-Until: %d+\r\n", "")
    return "X-Snooze-Until: " .. wake .. "\r\n" .. plain
end

function snooze.put_away(cfg)
    local acct = cfg.account
    local target = acct[cfg.base .. "/Snoozed"]
    for _, name in ipairs(acct:list_all(cfg.base, "Snooze_*")) do
        local n, unit = string.match(name, cfg.base .. "/Snooze_(%d+)(%a?)")
        local step = seconds[unit] or 1
        local from = os.time()
        if step > 3600 then
            from = midnight(from)
        end
        local wake = from + tonumber(n) * step
        print("folder " .. name .. ": " .. n .. " x " .. step .. "s")
        local done = Set {}
        for _, msg in ipairs(acct[name]:select_all()) do
            local box, uid = table.unpack(msg)
            local text = box[uid]:fetch_message()
            local flags = {}
            -- The first select of a mailbox sees its mail as \Recent,
            -- a flag APPEND refuses: the append would fail (under both
            -- programs alike) and nothing would be put away.
            for _, f in ipairs(box[uid]:fetch_flags()) do
                if f ~= "\\Recent" then
                    table.insert(flags, f)
                end
            end
            local date = box[uid]:fetch_date()
            table.insert(flags, cfg.tag)
            if target:append_message(stamp(text, wake), flags, date) then
                table.insert(done, msg)
            end
        end
        print("  put away " .. #done)
        done:delete_messages()
    end
end

function snooze.wake(cfg)
    local acct = cfg.account
    local due = Set {}
    for _, msg in ipairs(acct[cfg.base .. "/Snoozed"]:select_all()) do
        local box, uid = table.unpack(msg)
        local field = box[uid]:fetch_field("X-Snooze-Until")
        local until_ = tonumber(string.match(field or "", "X%-Snooze%-Until: (%d+)") or "")
        if until_ and until_ <= os.time() then
            table.insert(due, msg)
        end
    end
    print("due " .. #due)
    due:remove_flags({ cfg.tag })
    due:add_flags({ cfg.expired })
    due:unmark_seen()
    due:move_messages(acct.INBOX)
end

account = IMAP {
    server = 'imap.snooze.example',
    username = 'sleepy',
    password = 'zzz',
    ssl = 'auto',
}

local cfg = {
    account = account,
    base = "SnoozeBox",
    tag = "Snoozed",
    expired = "SnoozeExpired",
}

snooze.put_away(cfg)
snooze.wake(cfg)
