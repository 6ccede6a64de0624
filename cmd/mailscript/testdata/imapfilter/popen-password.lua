-- The password from a command run with io.popen, a sender rule, and a
-- regex on the whole header.
-- Modelled on jvaldivia-te/soadmail, config.lua (GitHub).

options.timeout = 120
options.subscribe = true

function get_password(account, service)
    local handle = io.popen("echo " .. account .. "-" .. service)
    local password = handle:read("*a")
    handle:close()
    return string.gsub(password, "\n", "")
end

account = IMAP {
    server = 'mail.realnames.example',
    username = 'jose@valdivia.example',
    password = get_password('jose', 'hoover'),
    ssl = 'tls1'
}

amazon = account.INBOX:contain_from('amazon.com')
amazon:move_messages(account['amazon'])

unsub = account.INBOX:match_header('List-Unsubscribe: <.+>')
unsub:move_messages(account['unsubscribe'])
