-- Mailing lists sorted into folders made from their List-Id: the whole
-- header of every message is fetched at once (fetch_header of a result,
-- a table by UID), unfolded with string.gsub, the id taken by
-- string.match with the field name in any letter case, checked (length,
-- "=", words it must not hold), turned into a folder name by gsub and
-- gathered per folder in plain tables that are made into results with
-- Set(...) and moved in a pairs loop. Then rules kept in a table of
-- address -> folder, and two rules on From, Subject and body, for every
-- account of a table.
-- Modelled on aheimsbakk/imapfilter-config, config.lua (326160c), with
-- the mail of the test corpus (the mailbox "mlists").

options.timeout = 120
options.subscribe = true
options.create = true
options.limit = 50

-- The published config finds its folder with debug.getinfo(2, "S").source
-- and runs accounts.lua and rules.lua from there when io.open finds
-- them. mailscript's sandbox keeps only debug.traceback and refuses
-- reading outside the config's folder without --allow-read
-- (docs/imapfilter.md), so the tables are given here.
accounts = accounts or {
    work = IMAP {
        server = 'imap.lists.example',
        username = 'ann',
        password = 'pw',
    },
}
rules = rules or { ["boss@work.example"] = "work" }

local function list_folders(account, name)
    local box = account[name]
    local all = box:select_all()
    if #all == 0 then return end
    local headers = box:fetch_header(all)
    local by_folder = {}
    for _, msg in ipairs(all) do
        local uid = msg[2]
        local h = headers[uid] or headers[tostring(uid)] or ""
        h = string.gsub(h, "\r?\n[ \t]+", " ")
        local id = string.match("\n" .. h, "\n[Ll][Ii][Ss][Tt]%-[Ii][Dd]:.-<([^>]+)>")
        if id then
            local low = string.lower(id)
            local ok = string.len(id) <= 50 and not string.match(id, "=")
                and not string.match(low, "srs") and not string.match(low, "bounces")
            print(uid .. " " .. id .. " " .. tostring(ok))
            if ok then
                local folder = "lists-" .. string.gsub(id, "[%.@]", "-")
                by_folder[folder] = by_folder[folder] or {}
                table.insert(by_folder[folder], msg)
            end
        end
    end
    for folder, msgs in pairs(by_folder) do
        Set(msgs):move_messages(account[folder])
    end
end

local function by_word(account, name, word, folder)
    local box = account[name]
    local hits = box:contain_from(word) + box:contain_subject(word) + box:contain_body(word)
    hits:move_messages(account[folder])
end

local function by_address(account, name, address, folder)
    local box = account[name]
    local hits = box:contain_from(address) + box:contain_cc(address) + box:contain_to(address)
    hits:move_messages(account[folder])
end

for _, account in pairs(accounts) do
    list_folders(account, "mlists")
    for address, folder in pairs(rules) do
        by_address(account, "mlists", address, folder)
    end
    by_word(account, "mlists", "webinar", "misc-webinar")
    by_word(account, "mlists", "newsletter", "misc-newsletter")
end
