# STORE: adding, removing and replacing flags, silently or not.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
M.select()
canon.res('+flags', M.store('1', '+FLAGS', '\\Flagged'))
canon.res('-flags', M.store('1:2', '-FLAGS', '(\\Flagged \\Seen)'))
canon.res('flags', M.store('3', 'FLAGS', '(\\Seen Work)'))
canon.res('silent', M.store('4', '+FLAGS.SILENT', '\\Answered'))
canon.res('keyword', M.store('4', '+FLAGS', 'Later'))
canon.res('after', M.fetch('1:4', '(FLAGS)'))
try:
    M.store('1', '+FLAGS', '\\Bogus')
except M.error as e:
    canon.exc('bad', e)
M.logout()
