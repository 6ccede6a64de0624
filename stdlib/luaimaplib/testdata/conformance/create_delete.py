# CREATE and DELETE, including the NO answers.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
canon.res('create', M.create('Projects'))
canon.res('create child', M.create('Projects/2024'))
canon.res('create again', M.create('Projects'))
canon.res('list', M.list('""', 'Projects*'))
canon.res('delete child', M.delete('Projects/2024'))
canon.res('delete', M.delete('Projects'))
canon.res('delete missing', M.delete('Projects'))
canon.res('create quoted', M.create('"With space"'))
canon.res('list quoted', M.list('""', '"With*"'))
canon.res('delete quoted', M.delete('"With space"'))
M.logout()
