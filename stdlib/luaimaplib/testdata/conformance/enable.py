# ENABLE: what the server turned on, and ENABLE in the wrong state.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
try:
    M.enable('CONDSTORE')
except M.error as e:
    canon.exc('before login', e)
M.login(canon.USER, canon.PASSWORD)
canon.res('enable', M.enable('CONDSTORE'))
canon.res('ENABLED', M.response('ENABLED'))
canon.res('enable unknown', M.enable('X-NOTHING'))
canon.res('ENABLED', M.response('ENABLED'))
canon.val('utf8_enabled', M.utf8_enabled)
canon.res('select', M.select())
canon.res('HIGHESTMODSEQ', M.response('HIGHESTMODSEQ'))
canon.res('fetch modseq', M.fetch('1', '(MODSEQ)'))
M.logout()
