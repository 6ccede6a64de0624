# requires: python3.14
# IDLE (new in Python 3.14): responses pushed while idling, with a duration
# and with burst(); leaving the context sends DONE.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
M.select('Archive')
M2 = imaplib.IMAP4(canon.HOST, canon.PORT)
M2.login(canon.USER, canon.PASSWORD)
with M.idle(duration=2) as idler:
    canon.text('state', M.state)
    M2.append('Archive', None, None, b'Subject: pushed\r\n\r\nhello\r\n')
    for typ, data in idler:
        canon.res('pushed', (typ, data))
canon.text('state after', M.state)
with M.idle() as idler:
    M2.select('Archive')
    M2.store('1', '+FLAGS', '\\Flagged')
    for typ, data in idler.burst():
        canon.res('burst', (typ, data))
canon.res('noop', M.noop())
canon.res('fetch', M.fetch('4', '(FLAGS BODY.PEEK[TEXT])'))
M2.logout()
M.logout()
