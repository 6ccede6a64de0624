# SEARCH with None and a charset, several criteria, no match.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
M.select()
canon.res('all', M.search(None, 'ALL'))
canon.res('unseen', M.search(None, 'UNSEEN'))
canon.res('from', M.search(None, 'FROM', '"bob@example.org"'))
canon.res('two criteria', M.search(None, 'SEEN', 'SINCE', '2-Mar-2024'))
canon.res('or', M.search(None, '(OR FLAGGED ANSWERED)'))
canon.res('charset', M.search('UTF-8', 'SUBJECT', 'Invoice'))
canon.res('none', M.search(None, 'SUBJECT', '"no such subject"'))
canon.res('deleted', M.search(None, 'DELETED'))
typ, data = M.search(None, 'ALL')
for num in data[0].split():
    canon.val('num', num)
M.logout()
