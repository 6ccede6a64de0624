# AUTHENTICATE with an authobject: PLAIN, LOGIN (two challenges), a cancel,
# a refused mechanism, and login_cram_md5 (not offered by this server).
import imaplib
import canon

def plain(challenge):
    canon.val('challenge', challenge)
    return '\0%s\0%s' % (canon.USER, canon.PASSWORD)

M = imaplib.IMAP4(canon.HOST, canon.PORT)
canon.res('plain', M.authenticate('PLAIN', plain))
canon.text('state', M.state)
M.logout()

answers = [canon.USER, canon.PASSWORD]
def login(challenge):
    canon.val('challenge', challenge)
    return answers.pop(0)

M = imaplib.IMAP4(canon.HOST, canon.PORT)
canon.res('login', M.authenticate('login', login))
M.logout()

M = imaplib.IMAP4(canon.HOST, canon.PORT)
try:
    M.authenticate('PLAIN', lambda challenge: None)
except M.error as e:
    canon.exc('cancel', e)
try:
    M.authenticate('PLAIN', lambda challenge: '\0%s\0wrong' % canon.USER)
except M.error as e:
    canon.exc('wrong password', e)
try:
    M.authenticate('X-UNKNOWN', lambda challenge: '')
except M.error as e:
    canon.exc('unknown mechanism', e)
try:
    M.login_cram_md5(canon.USER, canon.PASSWORD)
except M.error as e:
    canon.exc('cram-md5', e)
canon.text('state', M.state)
M.logout()
