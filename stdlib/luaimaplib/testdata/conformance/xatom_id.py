# xatom for an extension command (ID), and the untagged data it leaves.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
canon.res('xatom id', M.xatom('ID', '("name" "conformance")'))
typ, data = M.response('ID')
canon.text('typ', typ)
canon.val('items', len(data))
canon.val('has name', b'"name" "Dovecot"' in data[0])
canon.res('xatom nil', M.xatom('ID', 'NIL'))
M.login(canon.USER, canon.PASSWORD)
try:
    M.xatom('XNOSUCH')
except M.error as e:
    canon.exc('unknown', e)
M.logout()
