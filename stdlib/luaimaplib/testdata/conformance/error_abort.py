# The server drops the connection (doveadm kick): the next command raises
# IMAP4.abort, and every later one too.
import imaplib
import subprocess
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
M.select()
subprocess.run(canon.KICK, shell=True, check=True, stdout=subprocess.DEVNULL)
try:
    M.noop()
except M.abort as e:
    # Only the class: whether the client reads the server's BYE or finds
    # the socket closed first depends on timing, and so does the message.
    canon.text('noop', type(e).__name__)
    canon.val('error too', isinstance(e, imaplib.IMAP4.error))
# The connection is unusable from now on. (The message differs on purpose:
# Python writes to the dead socket and reports the broken pipe, the Lua
# module refuses at once with "connection closed after: ...".)
try:
    M.noop()
except M.abort as e:
    canon.text('noop again', type(e).__name__)
M2 = imaplib.IMAP4(canon.HOST, canon.PORT)
canon.res('new connection', M2.login(canon.USER, canon.PASSWORD))
M2.logout()
