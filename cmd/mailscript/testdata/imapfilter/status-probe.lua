-- Probing mailboxes with check_status (-1 when missing), counting
-- results with #, and unpacking them.
-- Modelled on thcipriani/dotfiles, imapfilter/test.lua (GitHub).

options.timeout = 120
options.create = true
options.subscribe = true
options.expunge = true

function mailbox_maybe(account, mailbox)
    exist, _, _, _ = account[mailbox]:check_status()
    if exist < 0 then
        print(string.format('Creating mailbox %q', mailbox))
        account:create_mailbox(mailbox)
    else
        print(string.format('Mailbox %q already created...', mailbox))
    end
end

account = IMAP {
    server = 'imap.gmail.com',
    username = 'someone',
    password = 'pw',
    ssl = 'tls1',
}

inbox = account['INBOX']

results = inbox:contain_to('alice@example.org')
results = results:match_field('X-GitHub-Reason', 'subscribed') + inbox:contain_cc('alice@example.org')

print(#results)
print(results.n)
local mbox, uid = table.unpack(results[1])
print(mbox._string, uid)

mailbox_maybe(account, 'ML')
mailbox_maybe(account, 'ML/debian-user')
mailbox_maybe(account, 'INBOX')
