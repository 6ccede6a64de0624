# UID FETCH, SEARCH, STORE, COPY and EXPUNGE.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
M.select()
canon.res('uid search', M.uid('SEARCH', None, 'UNSEEN'))
canon.res('uid search charset', M.uid('search', 'CHARSET', 'UTF-8', 'FROM', 'bob'))
canon.res('uid fetch', M.uid('FETCH', '2:4', '(FLAGS)'))
canon.res('uid store', M.uid('STORE', '4', '+FLAGS', '(\\Seen)'))
canon.res('uid copy', M.uid('COPY', '1,3', 'Archive'))
canon.res('COPYUID', M.response('COPYUID'))
canon.res('uid expunge', M.uid('EXPUNGE', '6'))
canon.res('uid fetch none', M.uid('FETCH', '99', '(FLAGS)'))
canon.res('left', M.search(None, 'ALL'))
M.logout()
