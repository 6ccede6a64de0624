# A tagged BAD raises IMAP4.error; unknown UID commands too; NO does not raise.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
M.select()
for label, call in [
        ('bad fetch item', lambda: M.fetch('1', '(BOGUS)')),
        ('bad search', lambda: M.search(None, 'FROBNICATE')),
        ('bad sequence', lambda: M.store('x', '+FLAGS', '\\Seen')),
        ('unknown uid command', lambda: M.uid('FROB', '1')),
        ('bad status item', lambda: M.status('INBOX', '(BOGUS)')),
        ]:
    try:
        canon.res(label, call())
    except M.error as e:
        canon.exc(label, e)
        canon.val('abort?', isinstance(e, M.abort))
canon.res('select missing', M.select('Missing'))
canon.text('state', M.state)
M.logout()
