# M.literal: the next command carries it as a literal, then it is reset
# (also when the command is refused for its state); APPEND replaces it
# with the message.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
canon.val('initial', M.literal)
M.literal = b'x'
try:
    M.search('UTF-8', 'SUBJECT')
except M.error as e:
    canon.exc('refused in AUTH', e)
canon.val('after refusal', M.literal)
M.literal = b'INBOX'
canon.val('set', M.literal)
canon.res('xatom EXAMINE', M.xatom('EXAMINE'))
canon.val('after xatom', M.literal)
M.select()
M.literal = 'Grüße'.encode()
canon.res('search', M.search('UTF-8', 'SUBJECT'))
canon.val('after search', M.literal)
canon.res('search again', M.search(None, 'SUBJECT', 'Hello'))
M.literal = 'Grüße'.encode()
canon.res('uid search', M.uid('SEARCH', 'CHARSET', 'UTF-8', 'SUBJECT'))
M.literal = b'ignored'
canon.res('append', M.append('Archive', None, None, b'Subject: lit\r\n\r\nbody\r\n'))
canon.val('after append', M.literal)
canon.res('status', M.status('Archive', '(MESSAGES)'))
M.literal = b'x'
M.literal = None
canon.res('noop', M.noop())
M.logout()
