# Full-message fetch: every message of a mailbox, whole, in one command,
# with Python's imaplib (full.lua is the same script in Lua).
import imaplib
import os

M = imaplib.IMAP4(os.environ["IMAP_HOST"], int(os.environ["IMAP_PORT"]))
M.login(os.environ["IMAP_USER"], os.environ["IMAP_PASSWORD"])
M.select(os.environ["BENCH_MAILBOX"], readonly=True)
typ, data = M.fetch("1:*", "(BODY.PEEK[])")
n = nbytes = 0
for item in data:
    if isinstance(item, tuple):
        n += 1
        nbytes += len(item[1])
print(n, nbytes)
M.logout()
