# A typical rule: read the unseen mail's subjects, flag invoices, archive them.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
typ, data = M.select('INBOX')
canon.text('messages', data[0])
typ, data = M.search(None, 'UNSEEN')
for num in data[0].split():
    typ, msg = M.fetch(num, '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
    subject = msg[0][1].strip()
    canon.val(num.decode(), subject)
    if b'Invoice' in subject:
        M.store(num, '+FLAGS', '\\Flagged')
        M.copy(num, 'Archive')
        M.store(num, '+FLAGS', '\\Deleted')
canon.res('expunge', M.expunge())
M.close()
canon.res('archive', M.status('Archive', '(MESSAGES UNSEEN)'))
M.logout()
