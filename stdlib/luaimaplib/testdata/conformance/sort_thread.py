# SORT and THREAD, plain and through uid().
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
canon.words('has', [c for c in M.capabilities if c.startswith(('SORT', 'THREAD'))])
canon.res('capability', M.capability())
M.select()
canon.res('sort subject', M.sort('SUBJECT', 'UTF-8', 'ALL'))
canon.res('sort reverse date', M.sort('(REVERSE ARRIVAL)', 'UTF-8', 'ALL'))
canon.res('sort size', M.sort('SIZE', 'US-ASCII', 'SEEN'))
canon.res('uid sort', M.uid('SORT', '(FROM)', 'UTF-8', 'ALL'))
M.select('Lists/golang')
canon.res('thread refs', M.thread('REFERENCES', 'UTF-8', 'ALL'))
canon.res('thread subject', M.thread('ORDEREDSUBJECT', 'UTF-8', 'ALL'))
canon.res('uid thread', M.uid('THREAD', 'REFERENCES', 'UTF-8', 'ALL'))
M.logout()
