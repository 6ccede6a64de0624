# After a READ-ONLY response for a mailbox selected writable, the next
# command raises IMAP4.readonly without being sent.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
try:
    M.select('Readonly')
except M.readonly:
    pass
try:
    M.noop()
except M.abort as e:
    canon.exc('noop', e)
    canon.val('readonly', isinstance(e, M.readonly))
canon.res('select again', M.select('Archive'))
canon.res('noop', M.noop())
M.logout()
