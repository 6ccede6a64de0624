# CHECK, then CLOSE (which expunges) and the state after it.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
M.select()
canon.res('check', M.check())
canon.res('close', M.close())
canon.text('state', M.state)
canon.res('status', M.status('INBOX', '(MESSAGES)'))
M.select('Archive', readonly=True)
canon.res('close readonly', M.close())
canon.res('archive', M.status('Archive', '(MESSAGES)'))
M.logout()
