-- What a config sees after moving and deleting: searches, fetches,
-- status and flag changes on messages just moved; moves between two
-- accounts; options.expunge, options.close and options.cache switched
-- off and on; mailboxes renamed and deleted while selected.
-- Written for the differential test; it prints what each call returns.

account = IMAP {
    server = 'imap.example.com',
    username = 'me',
    password = 'pw',
}
other = IMAP {
    server = 'imap.example.com',
    username = 'bob',
    password = 'pw2',
}

local function show(v)
    if type(v) ~= 'table' then return tostring(v) end
    local keys = {}
    for k in pairs(v) do
        if type(v[k]) ~= 'function' and k ~= '_mt' then table.insert(keys, k) end
    end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    local parts = {}
    for _, k in ipairs(keys) do
        table.insert(parts, tostring(k) .. '=' .. show(v[k]))
    end
    return '{' .. table.concat(parts, ', ') .. '}'
end

local function uids(set)
    local t = {}
    for _, v in ipairs(set) do
        local mbox, uid = table.unpack(v)
        table.insert(t, string.format('%s:%03d', mbox._mailbox, uid))
    end
    table.sort(t)
    return #set .. ' [' .. table.concat(t, ' ') .. ']'
end

local function first(set)
    local low
    for _, v in ipairs(set) do
        if low == nil or v[2] < low then low = v[2] end
    end
    return low
end

inbox = account.INBOX
-- Mail another client flagged \Deleted is left out: imapfilter's bare
-- EXPUNGE destroys it, mailscript's UID EXPUNGE keeps it (docs).
local others = inbox:contain_from('gone@example.com')
local function deleted() return uids(inbox:is_deleted() - others) end

-- A move, then the moved messages looked at in their old mailbox.
local news = inbox:contain_from('news.letter')
local n1 = first(news)
print('move', news:move_messages(account.news))
print('after move', uids(inbox:contain_from('news.letter')), deleted())
print('fetch moved', show(inbox:fetch_flags(news)), show(inbox[n1]:fetch_flags()))
print('fetch moved field', show(inbox[n1]:fetch_field('Subject')))
print('fetch moved size', show(inbox:fetch_size(news)))
print('flag moved', news:mark_flagged(), inbox:mark_flagged(news))
print('copy moved', news:copy_messages(account.Trash))
print('status', inbox:check_status())
print('news', uids(account.news:select_all()))
print('news flags', show(account.news:fetch_flags(account.news:select_all())))

-- Deleting, then searching and fetching the deleted.
local junk = inbox:contain_from('company.junk') + inbox:contain_from('annoying.promotion')
print('delete', junk:delete_messages())
print('after delete', uids(junk:select_all()), uids(junk:is_seen()), show(inbox:fetch_size(junk)))
print('match after delete', uids(inbox:match_from('junk|promotion')))

-- options.expunge off: \Deleted stays, a move leaves the original.
options.expunge = false
local os = inbox:contain_from('my.unix.os')
print('move no expunge', os:move_messages(account['lists/devel']))
print('deleted now', deleted(), uids(inbox:contain_from('my.unix.os')))
print('undelete', os:unmark_deleted())
print('mark_deleted', inbox:contain_subject('Penguins again'):mark_deleted())
print('deleted still', deleted())
print('undelete again', inbox:contain_subject('Penguins again'):unmark_deleted())
options.expunge = true
print('expunge again', inbox:contain_subject('Daemons'):delete_messages())
print('deleted after', deleted())

-- Moves and copies between two accounts.
local cron = inbox:contain_from('server.example')
print('copy across', cron:copy_messages(other.INBOX))
print('move across', inbox:contain_from('facebookmail'):move_messages(other['archive/fb']))
print('move across existing', inbox:contain_from('linkedin'):move_messages(other.mymailbox2))
print('bob inbox', uids(other.INBOX:select_all()))
print('bob flags', show(other.INBOX:fetch_flags(other.INBOX:select_all())))
local back = other.INBOX:contain_from('carol')
print('move back', back:move_messages(account.INBOX))
print('moved back', uids(inbox:contain_from('carol')), show(inbox:fetch_flags(inbox:contain_from('carol'))))
print('set of two accounts', uids(other.INBOX:select_all() + inbox:contain_from('carol')))

-- options.close: each request closes the mailbox.
options.close = true
print('close search', uids(inbox:contain_subject('Cron')))
print('close flag', inbox:contain_subject('Cron'):mark_seen())
print('close move', inbox:contain_subject('Logwatch'):move_messages(account.Trash))
print('close fetch', show(inbox:fetch_flags(inbox:contain_subject('Logwatch'))))
options.close = false

-- options.cache off: fetches again after a change.
options.cache = false
local boss = inbox:contain_from('boss@work.example')
local b1 = first(boss)
print('nocache', inbox[b1]:fetch_field('Subject'), show(inbox[b1]:fetch_flags()))
boss:mark_flagged()
print('nocache again', show(inbox[b1]:fetch_flags()), show(inbox:fetch_fields({ 'Subject' }, boss)))
print('nocache match', uids(inbox:match_subject('^Re: ')))
options.cache = true

-- Renaming a mailbox (Dovecot ends the session that renames its
-- selected mailbox), and deleting the selected mailbox.
local devel = account['lists/devel']
print('devel', uids(devel:select_all()), #inbox:select_all())
print('rename', account:rename_mailbox('lists/devel', 'lists/dev'))
print('old name', devel:check_status())
print('new name', uids(account['lists/dev']:select_all()))
print('delete flagged', account['lists/dev']:contain_subject('leak'):mark_deleted())
print('delete selected', account:delete_mailbox('lists/dev'))
print('status deleted', account['lists/dev']:check_status())
local all, folders = account:list_all('', '*')
table.sort(all)
table.sort(folders)
print('list', table.concat(all, ','), table.concat(folders, ','))

-- Mailbox names with a space and with non-ASCII letters.
print('space', inbox:contain_from('amazon'):copy_messages(account['Order History']))
print('space status', account['Order History']:check_status())
print('quote search', uids(inbox:contain_subject('a"b')))

print('left', uids(inbox:select_all()))
print('mymailbox2', uids(other.mymailbox2:select_all()))
