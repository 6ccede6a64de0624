# COPY (with its COPYUID code), EXPUNGE, and what is left.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
M.select()
canon.res('copy', M.copy('1:2', 'Archive'))
canon.res('COPYUID', M.response('COPYUID'))
canon.res('copy missing', M.copy('1', 'Nowhere'))
canon.res('TRYCREATE', M.response('TRYCREATE'))
canon.res('store', M.store('2', '+FLAGS.SILENT', '\\Deleted'))
canon.res('expunge', M.expunge())
canon.res('search', M.search(None, 'ALL'))
canon.res('archive', M.status('Archive', '(MESSAGES)'))
M.logout()
