-- Printing fields of what the rules matched, with ipairs and
-- fetch_field, around spam and list rules.
-- Modelled on lahwaacz/dotfiles, .config/imapfilter/config-fjfi.lua (GitHub).

function print_pairs(table)
    for k, v in ipairs(table) do
        print(k, v)
    end
end

function print_matched(results)
    for _, message in ipairs(results) do
        mailbox, uid = table.unpack(message)
        from = mailbox[uid]:fetch_field('from')
        to = mailbox[uid]:fetch_field('to')
        subject = mailbox[uid]:fetch_field('subject')
        print(_, from)
        print(_, to)
        print(_, subject)
    end
end

options.timeout = 30
options.subscribe = true
options.info = true
options.keepalive = 5

account = IMAP {
    server = 'mail.example.cz',
    port = 993,
    username = 'klink',
    password = 'pw',
    ssl = 'tls1',
}

mailboxes, folders = account:list_all()
print_pairs(mailboxes)

function filter()
    account.INBOX:check_status()

    unseen = account['INBOX']:is_unseen()
    results = unseen:contain_subject('***SPAM***')
    print_matched(results)
    results:move_messages(account['Junk'])

    results = account.INBOX:match_header('X-Spam-Flag: YES')
    print_matched(results)
    results:move_messages(account['Junk'])

    results = account.INBOX:contain_field('List-Id', 'lists.ubuntu.com')
    print_matched(results)
    results:move_messages(account['lists/ubuntu'])
end

filter()
