# STATUS of several mailboxes and items.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
canon.res('inbox', M.status('INBOX', '(MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)'))
canon.res('archive', M.status('Archive', '(MESSAGES UNSEEN)'))
canon.res('nested', M.status('Lists/golang', '(MESSAGES)'))
canon.res('missing', M.status('Missing', '(MESSAGES)'))
M.logout()
