# APPEND with flags and dates given as a string, a tuple and epoch seconds.
import imaplib
import canon

MSG = b'From: me@example.org\nSubject: appended\n\nline one\nline two\n'
M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
canon.res('plain', M.append('Archive', None, None, MSG))
canon.res('APPENDUID', M.response('APPENDUID'))
canon.res('flags', M.append('Archive', '\\Seen \\Flagged', '"01-Jan-2020 10:00:00 +0100"', MSG))
canon.res('APPENDUID', M.response('APPENDUID'))
canon.res('tuple date', M.append('Archive', '(\\Seen)', (2021, 6, 15, 12, 30, 0, 1, 166, -1), MSG))
canon.res('epoch date', M.append('Archive', '', 1700000000, MSG))
canon.res('missing', M.append('Nowhere', None, None, MSG))
M.select('Archive')
canon.res('dates', M.fetch('5:7', '(FLAGS INTERNALDATE RFC822.SIZE)'))
canon.res('body', M.fetch('4', '(BODY.PEEK[])'))
M.logout()
