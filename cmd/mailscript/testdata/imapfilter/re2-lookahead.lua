-- A pattern Go's RE2 cannot compile: a lookahead. The config must fail
-- before any request, naming the line and the pattern.
account = IMAP { server = 'imap.example.org', username = 'me', password = 'pw' }
account.INBOX:select_all():move_messages(account['Everything'])
spam = account.INBOX:match_subject('^(?!Re:).*VIAGRA')
spam:delete_messages()
