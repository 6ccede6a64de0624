-- Lua 5.3 integer division: gopher-lua (Lua 5.1) cannot parse it. The
-- config must fail before any request, naming the line.
account = IMAP { server = 'imap.example.org', username = 'me', password = 'pw' }
account.INBOX:select_all():move_messages(account['Everything'])
local days = 60 // 2
account.INBOX:is_older(days):delete_messages()
