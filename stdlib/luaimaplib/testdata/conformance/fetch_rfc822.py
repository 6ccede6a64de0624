# FETCH of whole messages: (line, literal) tuples and the closing b')'.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
M.select('INBOX', readonly=True)
canon.res('rfc822', M.fetch('1', '(RFC822)'))
canon.res('two', M.fetch('1:2', '(BODY.PEEK[])'))
typ, data = M.fetch('4', '(RFC822)')
canon.val('header', data[0][0])
canon.val('body', data[0][1])
canon.val('end', data[1])
M.logout()
