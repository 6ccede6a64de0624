-- Commit mail sorted into a folder per repository: the repository is read
-- from each subject (mailbox[uid] and fetch_field in a loop over a result,
-- string.find with a capture), the messages are gathered in a table of
-- tables keyed by it, and each group becomes a Set that is marked seen
-- unless the repository is watched, then moved to a folder made for it
-- with create_mailbox. A helper is added to the table library. The whole
-- runs in an IDLE loop (cut to one pass in the test).
-- Modelled on Joshkunz/.files, .imapfilter/config.lua (359e0e0), with the
-- "git" mailbox of the test corpus.

options.subscribe = true

forge = IMAP {
    server = "imap.example.net",
    username = "someone@example.net",
    password = "pw",
    port = 993,
    ssl = "tls1.2",
}

-- Repositories whose commits stay unread
WATCHED = { "beta" }
-- Where the per-repository folders go
COMMITS = "Commits"
-- The repository: what the first brackets of the subject hold
REPO = "%[([^%c%]]*)%]"

forge:create_mailbox(COMMITS)

table.has = function (t, wanted)
    for _, v in pairs(t) do
        if v == wanted then return true end
    end
    return false
end

function sort_commits()
    local fresh = forge.git:is_unseen():match_subject("^git commit:")

    local groups = {}
    for _, msg in ipairs(fresh) do
        local mbox, uid = table.unpack(msg)
        local _, _, repo = mbox[uid]:fetch_field("Subject"):find(REPO)
        if repo then
            if not groups[repo] then
                groups[repo] = {}
            end
            table.insert(groups[repo], { mbox, uid })
        end
    end

    for repo, list in pairs(groups) do
        local folder = COMMITS .. "/" .. repo
        forge:create_mailbox(folder)
        local set = Set(list)
        if not table.has(WATCHED, repo) then
            set:mark_seen()
        end
        set:move_messages(forge[folder])
    end
end

while true do
    sort_commits()
    local idled = forge.git:enter_idle()
    if not idled then
        print("No IDLE, stopping.")
        break
    end
end
