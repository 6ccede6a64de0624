# MOVE through uid() (Python has no move()), and xatom('MOVE', ...).
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
M.select()
canon.res('uid move', M.uid('MOVE', '2', 'Archive'))
canon.res('COPYUID', M.response('COPYUID'))
canon.res('EXPUNGE', M.response('EXPUNGE'))
canon.res('xatom move', M.xatom('MOVE', '1', 'Lists/golang'))
canon.res('EXPUNGE', M.response('EXPUNGE'))
canon.res('left', M.search(None, 'ALL'))
canon.res('archive', M.status('Archive', '(MESSAGES)'))
canon.res('golang', M.status('Lists/golang', '(MESSAGES)'))
M.logout()
