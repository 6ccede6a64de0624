# FETCH of ENVELOPE, BODYSTRUCTURE and INTERNALDATE; Internaldate2tuple.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
M.select()
canon.res('envelope', M.fetch('1', '(ENVELOPE)'))
canon.res('bodystructure', M.fetch('3', '(BODYSTRUCTURE)'))
canon.res('body', M.fetch('4', '(BODY)'))
typ, data = M.fetch('1:3', '(INTERNALDATE)')
canon.res('internaldate', (typ, data))
for line in data:
    canon.ttuple('tuple', imaplib.Internaldate2tuple(line))
M.logout()
