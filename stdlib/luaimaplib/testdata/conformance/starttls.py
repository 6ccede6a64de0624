# STARTTLS with an ssl_context, the capabilities read again, and a second
# STARTTLS refused.
import imaplib
import ssl
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
canon.val('STARTTLS offered', 'STARTTLS' in M.capabilities)
ctx = ssl.create_default_context(cafile=canon.CAFILE)
canon.res('starttls', M.starttls(ssl_context=ctx))
canon.words('capabilities', M.capabilities)
try:
    M.starttls(ctx)
except M.abort as e:
    canon.exc('again', e)
canon.res('login', M.login(canon.USER, canon.PASSWORD))
canon.res('select', M.select())
M.logout()
