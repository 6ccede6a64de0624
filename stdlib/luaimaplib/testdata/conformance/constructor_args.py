# Constructor arguments: keywords, timeout, the refused timeout=0, shutdown().
import imaplib
import canon

M = imaplib.IMAP4(host=canon.HOST, port=canon.PORT, timeout=30)
canon.text('host', M.host)
canon.val('port', M.port == canon.PORT)
canon.val('debug', M.debug)
canon.val('utf8_enabled', M.utf8_enabled)
canon.res('login', M.login(canon.USER, canon.PASSWORD))
M.shutdown()
try:
    M.noop()
except (M.abort, OSError) as e:
    canon.text('after shutdown', 'raised')
try:
    imaplib.IMAP4(canon.HOST, canon.PORT, 0)
except ValueError as e:
    canon.exc('timeout=0', e)
canon.val('IMAP4_PORT', imaplib.IMAP4_PORT)
canon.val('IMAP4_SSL_PORT', imaplib.IMAP4_SSL_PORT)
try:
    imaplib.IMAP4(canon.HOST, 1)
except OSError as e:
    canon.text('refused', 'OSError')
