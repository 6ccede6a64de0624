# Commands Dovecot does not know: the tagged BAD is IMAP4.error.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
M.select()
for label, call in [
        ('getannotation', lambda: M.getannotation('INBOX', '"/comment"', '"value.priv"')),
        ('setannotation', lambda: M.setannotation('INBOX', '"/comment"', '("value.priv" "hi")')),
        ('partial', lambda: M.partial('1', 'BODY[TEXT]', '0', '10')),
        ('proxyauth', lambda: M.proxyauth('bob')),
        ]:
    try:
        canon.res(label, call())
    except M.error as e:
        canon.exc(label, e)
canon.res('still usable', M.noop())
M.logout()
