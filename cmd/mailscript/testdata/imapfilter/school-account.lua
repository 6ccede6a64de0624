-- One account per file, its user name and password read from a helper
-- program by pipe_from and trimmed; results of is_recent and select_all
-- kept and narrowed with * and +; a PCRE match_subject with \b and \W;
-- contain_* given text that looks like a regular expression; the old form
-- mailbox:mark_seen(messages).
-- Modelled on jasongraham/mail_conf_example, imapfilter/school.lua
-- (8384977), with the addresses of the test corpus.

function trim(s)
    -- from PiL2 20.4
    return (s:gsub("^%s*(.-)%s*$", "%1"))
end


-------------
-- Options --
-------------
options.timeout = 60
options.subscribe = true
options.namespace = false
options.create = true

-- for debugging purposes
options.info = true

-- Accounts

status, myuser = pipe_from('~/.mail_config/lib/imapfilter-helper.py mail.school.edu user')

myuser = trim(myuser)

status, mypass = pipe_from('~/.mail_config/lib/imapfilter-helper.py mail.school.edu password')
mypass = trim(mypass)

EECS = IMAP {
	server = 'mail.school.edu',
	username = myuser,
	password = mypass,
	ssl = 'ssl3'
}

-- Filters
-- * implements logical and
-- + implements logical or
-- - implements logical not

-- Get some basic tables loaded so we can just look at those
-- rather than searching the mailbox multiple times
recent = EECS.INBOX:is_recent()
all = EECS.INBOX:select_all()


-- Mark all the new messages that I've sent as read
msgs = recent:contain_from(myuser) *
       recent:is_new()
EECS.INBOX:mark_seen(msgs)

--------------------------------------------------
-- Move Penguin emails to their own folder.
-- Match by subject containing (upper or lower case, with or without spaces) "Penguin"
-- or to or from tux@penguin.land or tux@(penguin.)?land
msgs = recent:match_subject('\\b[Pp][Ee][Nn][Gg][Uu][Ii][Nn]\\W?s') +
       EECS.INBOX:contain_from('tux@(penguin.)?land') +
       EECS.INBOX:contain_to('tux@(penguin.)?land')
msgs:move_messages(EECS['penguins'])

msgs = all:match_subject('^\\[(?i:patch)\\]\\s') + all:match_from('\\bbugs@launchpad\\.net$')
msgs:move_messages(EECS['devel/incoming'])
