# requires: python3.14
# CR, LF or NUL in an argument raise ValueError before anything is sent
# (Python 3.14, CVE-2025-15366); the session goes on.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
for label, call in [
        ('create', lambda: M.create('Evil\r\nA1 DELETE INBOX')),
        ('status', lambda: M.status('INBOX', '(MESSAGES)\n')),
        ('nul', lambda: M.subscribe('a\0b')),
        ]:
    try:
        call()
    except ValueError as e:
        canon.exc(label, e)
M.select()
try:
    M.search(None, 'SUBJECT', '"x\r\ny"')
except ValueError as e:
    canon.exc('search', e)
canon.res('noop', M.noop())
canon.res('list', M.list('""', 'Evil*'))
M.logout()
