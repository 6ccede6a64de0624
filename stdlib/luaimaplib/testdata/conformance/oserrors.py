# The socket's and the ssl module's errors come through imaplib as Python
# raises them: OSError with errno and strerror, TimeoutError (an OSError)
# for a greeting or a read that times out, and
# ssl.SSLCertVerificationError for a certificate that does not verify, in
# IMAP4_SSL and in starttls() alike.
import imaplib
import os
import ssl
import canon

SILENT = int(os.environ['IMAP_SILENT_PORT'])


def show(label, e):
    canon.val(label + ' OSError', isinstance(e, OSError))
    canon.text(label + ' message', str(e))


try:
    imaplib.IMAP4(canon.HOST, 1)
except OSError as e:
    show('refused', e)
    canon.val('refused errno', e.errno)
    canon.text('refused strerror', e.strerror)

try:
    imaplib.IMAP4(canon.HOST, SILENT, timeout=0.5)
except TimeoutError as e:
    show('greeting timeout', e)

M = imaplib.IMAP4(canon.HOST, canon.PORT, timeout=0.5)
M.login(canon.USER, canon.PASSWORD)
try:
    M.readline()
except TimeoutError as e:
    show('read timeout', e)


def cert_error(label, call):
    try:
        call()
    except ssl.SSLCertVerificationError as e:
        canon.text(label, type(e).__name__)
        canon.val(label + ' SSLError', isinstance(e, ssl.SSLError))
        canon.val(label + ' OSError', isinstance(e, OSError))
        canon.val(label + ' ValueError', isinstance(e, ValueError))
        canon.val(label + ' imaplib error', isinstance(e, imaplib.IMAP4.error))
        canon.text(label + ' reason', e.reason)
        canon.text(label + ' verify_message', e.verify_message)


M = imaplib.IMAP4(canon.HOST, canon.PORT)
cert_error('starttls', lambda: M.starttls(ssl_context=ssl.create_default_context()))
cert_error('IMAP4_SSL', lambda: imaplib.IMAP4_SSL(canon.HOST, canon.SSL_PORT, ssl_context=ssl.create_default_context()))
