# LOGIN sends the password quoted, so quotes, backslashes and spaces work.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
canon.res('login', M.login(canon.USER2, canon.PASSWORD2))
canon.res('list', M.list('""', 'INBOX'))
M.logout()
