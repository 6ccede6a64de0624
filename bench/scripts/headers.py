# Bulk header fetch: FLAGS, RFC822.SIZE, From and Subject of every message
# of a mailbox with Python's imaplib (headers.lua is the same script in Lua).
import imaplib
import os

M = imaplib.IMAP4(os.environ["IMAP_HOST"], int(os.environ["IMAP_PORT"]))
M.login(os.environ["IMAP_USER"], os.environ["IMAP_PASSWORD"])
M.select(os.environ["BENCH_MAILBOX"], readonly=True)
typ, data = M.fetch("1:*", "(FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])")
n = nbytes = 0
for item in data:
    if isinstance(item, tuple):
        n += 1
        nbytes += len(item[1])
print(n, nbytes)
M.logout()
