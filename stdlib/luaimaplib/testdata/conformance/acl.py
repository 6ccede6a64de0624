# GETACL, SETACL and DELETEACL.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
canon.res('getacl', M.getacl('Archive'))
canon.res('setacl', M.setacl('Archive', 'bob', 'lr'))
canon.res('getacl after set', M.getacl('Archive'))
canon.res('setacl add', M.setacl('Archive', 'bob', '+w'))
canon.res('getacl after add', M.getacl('Archive'))
canon.res('deleteacl', M.deleteacl('Archive', 'bob'))
canon.res('getacl after delete', M.getacl('Archive'))
canon.res('getacl readonly', M.getacl('Readonly'))
canon.res('getacl missing', M.getacl('Missing'))
M.logout()
