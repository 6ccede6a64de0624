# A refused LOGIN raises IMAP4.error with the server's text.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
try:
    M.login(canon.USER, 'wrong password')
except M.error as e:
    canon.exc('login', e)
    canon.val('is abort', isinstance(e, M.abort))
canon.text('state', M.state)
canon.res('login again', M.login(canon.USER, canon.PASSWORD))
canon.res('logout', M.logout())
