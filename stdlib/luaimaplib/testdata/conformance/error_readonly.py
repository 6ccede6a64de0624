# SELECT of a mailbox the server opens READ-ONLY raises IMAP4.readonly,
# which except clauses for abort and error catch too; EXAMINE does not.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
for clause in (M.readonly, M.abort, M.error):
    try:
        M.select('Readonly')
    except clause as e:
        canon.exc('select', e)
        canon.val('readonly', isinstance(e, imaplib.IMAP4.readonly))
        canon.val('abort', isinstance(e, imaplib.IMAP4.abort))
        canon.val('error', isinstance(e, imaplib.IMAP4.error))
    canon.text('state', M.state)
canon.res('examine', M.select('Readonly', True))
canon.val('is_readonly', M.is_readonly)
canon.res('fetch', M.fetch('1', '(FLAGS)'))
canon.res('store', M.store('2', '+FLAGS', '\\Seen'))
M.logout()
