# The "IMAP4 Example" of CPython's imaplib documentation: open a mailbox
# and print all messages. Verbatim, except that it is kept as the source of
# imap4_example.lua, which is what the tests run.
import getpass, imaplib

M = imaplib.IMAP4(host='example.org')
M.login(getpass.getuser(), getpass.getpass())
M.select()
typ, data = M.search(None, 'ALL')
for num in data[0].split():
    typ, data = M.fetch(num, '(RFC822)')
    print('Message %s\n%s\n' % (num, data[0][1]))
M.close()
M.logout()
