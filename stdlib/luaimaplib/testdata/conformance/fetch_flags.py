# FETCH of flags, UIDs and sizes; ParseFlags on the lines.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
M.select()
typ, data = M.fetch('1:*', '(UID FLAGS RFC822.SIZE)')
canon.res('fetch', (typ, data))
for line in data:
    canon.val('flags', imaplib.ParseFlags(line))
canon.res('one', M.fetch('2', 'FLAGS'))
try:
    M.fetch('99', '(FLAGS)')
except M.error as e:
    canon.exc('missing', e)
M.logout()
