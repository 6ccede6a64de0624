# Commands in the wrong state raise IMAP4.error before anything is sent.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
for label, call in [
        ('select before login', lambda: M.select()),
        ('list before login', lambda: M.list()),
        ]:
    try:
        call()
    except M.error as e:
        canon.exc(label, e)
M.login(canon.USER, canon.PASSWORD)
for label, call in [
        ('fetch before select', lambda: M.fetch('1', '(FLAGS)')),
        ('search before select', lambda: M.search(None, 'ALL')),
        ('login twice', lambda: M.login(canon.USER, canon.PASSWORD)),
        ('uid before select', lambda: M.uid('FETCH', '1', '(FLAGS)')),
        ('close before select', lambda: M.close()),
        ]:
    try:
        call()
    except imaplib.IMAP4.error as e:
        canon.exc(label, e)
canon.text('state', M.state)
canon.res('noop', M.noop())
M.logout()
