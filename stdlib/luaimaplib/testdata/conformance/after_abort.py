# Every method after an abort (the server dropped the connection): the
# state check comes first (IMAP4.error "command X illegal in state
# SELECTED"), and only the commands allowed in the state find the dead
# connection (IMAP4.abort, whose message depends on timing and on the
# socket, so only the class is printed). IDLE (Python 3.14) is in
# idle_states.
import imaplib
import subprocess
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
M.select()
subprocess.run(canon.KICK, shell=True, check=True, stdout=subprocess.DEVNULL)
try:
    M.noop()
except M.abort:
    canon.text('noop', 'abort')
canon.text('state', M.state)


CASES = [
    ('append', lambda: M.append('INBOX', None, None, b'Subject: x\r\n\r\nx\r\n')),
    ('authenticate', lambda: M.authenticate('PLAIN', lambda c: b'\0u\0p')),
    ('capability', lambda: M.capability()),
    ('check', lambda: M.check()),
    ('close', lambda: M.close()),
    ('copy', lambda: M.copy('1', 'Archive')),
    ('create', lambda: M.create('New')),
    ('delete', lambda: M.delete('New')),
    ('deleteacl', lambda: M.deleteacl('INBOX', 'bob')),
    ('enable', lambda: M.enable('UTF8=ACCEPT')),
    ('expunge', lambda: M.expunge()),
    ('fetch', lambda: M.fetch('1', '(FLAGS)')),
    ('getacl', lambda: M.getacl('INBOX')),
    ('getannotation', lambda: M.getannotation('INBOX', '/comment', 'value')),
    ('getquota', lambda: M.getquota('')),
    ('getquotaroot', lambda: M.getquotaroot('INBOX')),
    ('list', lambda: M.list()),
    ('login', lambda: M.login(canon.USER, canon.PASSWORD)),
    ('login_cram_md5', lambda: M.login_cram_md5(canon.USER, canon.PASSWORD)),
    ('logout', lambda: M.logout()),
    ('lsub', lambda: M.lsub()),
    ('myrights', lambda: M.myrights('INBOX')),
    ('namespace', lambda: M.namespace()),
    ('noop', lambda: M.noop()),
    ('partial', lambda: M.partial('1', 'BODY[]', '0', '10')),
    ('proxyauth', lambda: M.proxyauth('bob')),
    ('recent', lambda: M.recent()),
    ('rename', lambda: M.rename('Archive', 'Old')),
    ('response', lambda: M.response('UIDVALIDITY')),
    ('search', lambda: M.search(None, 'ALL')),
    ('select', lambda: M.select()),
    ('setacl', lambda: M.setacl('INBOX', 'bob', 'lr')),
    ('setannotation', lambda: M.setannotation('INBOX', '/comment', '("value.priv" "x")')),
    ('setquota', lambda: M.setquota('', '(STORAGE 100)')),
    ('sort', lambda: M.sort('(DATE)', 'UTF-8', 'ALL')),
    ('starttls', lambda: M.starttls()),
    ('status', lambda: M.status('INBOX', '(MESSAGES)')),
    ('store', lambda: M.store('1', '+FLAGS', '\\Seen')),
    ('subscribe', lambda: M.subscribe('Archive')),
    ('thread', lambda: M.thread('REFERENCES', 'UTF-8', 'ALL')),
    ('uid', lambda: M.uid('FETCH', '1', '(FLAGS)')),
    ('unselect', lambda: M.unselect()),
    ('unsubscribe', lambda: M.unsubscribe('Archive')),
    ('xatom', lambda: M.xatom('XNOOP')),
]

for label, call in CASES:
    try:
        r = call()
        if isinstance(r, tuple):
            canon.res(label, r)
        else:
            canon.text(label, 'returned')
    except M.abort as e:
        canon.text(label, 'abort')
    except M.error as e:
        canon.exc(label, e)
canon.text('state', M.state)
