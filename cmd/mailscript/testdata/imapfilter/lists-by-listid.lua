-- Sorting mailing lists into folders by their List-ID header, one rule
-- per list, with server-side searches only.
-- Modelled on ryanakca/ryanakca-dotfiles, .imapfilter/config.lua (GitHub).

options.timeout = 120
options.subscribe = true

GMAIL = IMAP {
    server = 'imap.gmail.com',
    port = 993,
    username = 'someone@gmail.com',
    password = 'GMAIL_PASS',
    ssl = 'tls1',
}

mailboxes, folders = GMAIL:list_all()
mailboxes, folders = GMAIL:list_subscribed()

kubuntu = GMAIL.INBOX:contain_field('List-ID', 'kubuntu-devel.lists.ubuntu.com')
GMAIL.INBOX:move_messages(GMAIL['Ubuntu/kuDevel'], kubuntu)

uDoc = GMAIL.INBOX:contain_field('List-ID', 'ubuntu-doc.lists.ubuntu.com')
GMAIL.INBOX:move_messages(GMAIL['Ubuntu/uDoc'], uDoc)

debian = GMAIL.INBOX:contain_field('List-Id', 'debian-user.lists.debian.org')
GMAIL.INBOX:move_messages(GMAIL['Debian/user'], debian)

github = GMAIL.INBOX:contain_field('List-ID', 'repo.org.github.com')
GMAIL.INBOX:mark_seen(github)
GMAIL.INBOX:move_messages(GMAIL['GitHub'], github)
