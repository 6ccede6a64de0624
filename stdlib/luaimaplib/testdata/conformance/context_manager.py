# The instance as a context manager logs out on exit, also on an error.
import imaplib
import canon

with imaplib.IMAP4(canon.HOST, canon.PORT) as M:
    M.login(canon.USER, canon.PASSWORD)
    canon.res('select', M.select())
canon.text('state after', M.state)

try:
    with imaplib.IMAP4(canon.HOST, canon.PORT) as M2:
        M2.login(canon.USER, canon.PASSWORD)
        M2.fetch('1', '(FLAGS)')
except M2.error as e:
    canon.exc('inside', e)
canon.text('state after error', M2.state)

with imaplib.IMAP4(canon.HOST, canon.PORT) as M3:
    M3.login(canon.USER, canon.PASSWORD)
    canon.res('logout inside', M3.logout())
canon.text('state after logout', M3.state)
