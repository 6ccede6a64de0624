-- Rules written as helper calls: trash(), archive() and move() take an
-- account, mailbox names and a predicate builder, a function that returns
-- the function the helper calls with the source mailbox to get the
-- messages. The helpers and builders are globals named like the API's own
-- methods (is_older, copy, move). Two accounts; a password read by
-- io.popen. Moves and deletes use the old form mailbox:move_messages(dest,
-- messages) and mailbox:delete_messages(messages).
-- Modelled on dylanwh/dotfiles, .imapfilter/config.lua (00797c7), with
-- the mailbox names of the test corpus.

function main()
	-- my normal account
	local home = IMAP {
    	server = 'imap.gmail.com',
    	username = 'me@home.example',
    	password = get_mutt_var("passwd.home", "imap_pass"),
    	ssl = 'ssl3',
	}

	-- my work email account
	local work = IMAP {
    	server = 'imap.gmail.com',
    	username = 'me@work.example',
    	password = get_mutt_var("passwd.work", "imap_pass"),
    	ssl = 'ssl3',
	}

    -- trash rules
    trash(home, "news",        is_older(0))
    trash(home, "lists/devel", is_older(1))
    trash(home, "security",    is_older(7))
    trash(home, "poe",         is_older(7))

    -- archive rules
    archive(home, "INBOX", is_expired(7))
    move(home,    "mymailbox", "mymailbox/archive", is_expired(5))
    copy(home,    "INBOX",     "news",              is_ignored(30))

	-- I only need a few rules for work.
	trash(work, "INBOX",      is_older(3))
    trash(work, "mymailbox2", is_older(0))
end

-- This function takes a mutt config file and a variable name,
-- and causes mutt to parse the file and output the value of the variable.
-- the function returns this value.
function get_mutt_var(file, name)
    local home = os.getenv("HOME")
    local cmd = string.format("mutt -F '%s' -Q '%s'", home .. "/.mutt/" .. file, name)
    local str = io.popen(cmd):read()
    local m = str:match(name .. '="(.+)"')
    if m then
        return m
    else
        error("can't get mutt var")
    end
end

-- This helper function lets one copy messages
-- between two folders by name, rather than value,
-- and takes a function callback (f) to act as a "predicate".
function copy(imap, from_name, to_name, f)
    local from = imap[from_name]
    local to   = imap[to_name]
    from:copy_messages(to, f(from))
end

-- This is almost identical to copy(), except it moves messages
-- instead.
function move(imap, from_name, to_name, f)
    local from = imap[from_name]
    local to   = imap[to_name]
    from:move_messages(to, f(from))
end

-- Deleting mail from a label (or inbox) == archiving it.
function archive(imap, from_name, f)
    local from = imap[from_name]
    from:delete_messages( f(from) )
end

-- Trashing mail is the same as moving it to the Trash folder.
function trash(imap, name, f)
    move(imap, name, 'Trash', f)
end

-- An ignored message is something older than age and unseen (unread).
function is_ignored(age)
    return function (_) return _:is_older(age) * _:is_unseen() end
end

-- This matches all messages older than age and unflagged (unstarred in gmail terms)
function is_older(age)
    return function (_) return _:is_older(age) * _:is_unflagged() end
end

-- Same, except ignores unseen messages.
function is_expired(age)
    return function (_) return _:is_older(age) * _:is_seen() * _:is_unflagged() end
end


main() -- and now we begin executing the meat of the script.
