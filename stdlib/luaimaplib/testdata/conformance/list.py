# LIST with Python's defaults, a pattern, a reference and keywords.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
canon.res('list()', M.list())
canon.res('list pattern', M.list('""', 'Lists/*'))
canon.res('list reference', M.list('Lists/', '*'))
canon.res('list keyword', M.list(pattern='%'))
canon.res('list none', M.list('""', 'Nothing*'))
M.logout()
