-- Filter once, then filter again after every IDLE wake-up (cut to one
-- pass in the test).
-- Modelled on ntnn/docker-imapfilter, README.md (GitHub).

options.timeout = 120

email = IMAP {
    server = 'imap.example.org',
    username = 'me@example.org',
    password = 'secret',
    ssl = 'tls1.2',
}

function do_email()
    local inbox = email.INBOX
    inbox:contain_from('notifications@github.com'):move_messages(email['Notifications/GitHub'])
    inbox:contain_from('facebookmail.com'):delete_messages()
    ;(inbox:is_seen() * inbox:is_older(30)):move_messages(email['Archive'])
end

do_email()
while true do
    email.INBOX:enter_idle()
    do_email()
end
