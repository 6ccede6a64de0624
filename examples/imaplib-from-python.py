# The Python original of imaplib-from-python.lua: a typical imaplib script,
# as people write it, listing the unread mail of the inbox with decoded
# senders and subjects. The test runs both against the same server and
# compares their output byte for byte.
import email
import imaplib
import os
from email.header import decode_header, make_header

M = imaplib.IMAP4(os.environ['IMAP_HOST'], int(os.environ['IMAP_PORT']))
M.login(os.environ['IMAP_USER'], os.environ['IMAP_PASSWORD'])
typ, data = M.select('INBOX', readonly=True)
print('INBOX: %s messages' % data[0].decode())
typ, data = M.search(None, 'UNSEEN')
nums = data[0].split()
print('%d unread' % len(nums))
for num in nums:
    typ, data = M.fetch(num, '(BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])')
    msg = email.message_from_bytes(data[0][1])
    sender = str(make_header(decode_header(msg.get('From', ''))))
    subject = str(make_header(decode_header(msg.get('Subject', ''))))
    print('%s | %s | %s' % (num.decode(), sender, subject))
M.close()
M.logout()
