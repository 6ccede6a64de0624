# LOGIN, the attributes after it, SELECT and the responses it leaves.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
canon.text('state', M.state)
canon.text('welcome', M.welcome)
canon.text('PROTOCOL_VERSION', M.PROTOCOL_VERSION)
canon.words('capabilities', M.capabilities)
canon.res('login', M.login(canon.USER, canon.PASSWORD))
canon.text('state', M.state)
canon.res('select', M.select())
canon.text('state', M.state)
canon.val('is_readonly', M.is_readonly)
canon.res('FLAGS', M.response('FLAGS'))
canon.res('UIDVALIDITY', M.response('UIDVALIDITY'))
canon.res('UIDNEXT', M.response('UIDNEXT'))
canon.res('RECENT', M.response('RECENT'))
canon.res('missing', M.response('NOSUCHCODE'))
canon.res('examine', M.select('Archive', readonly=True))
canon.val('is_readonly', M.is_readonly)
canon.res('logout', M.logout())
canon.text('state', M.state)
