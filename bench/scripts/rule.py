# The rule of rule.lua with Python's imaplib, as a careful user writes it:
# fetch every subject in one command, decode, match, move the matches with
# one UID MOVE.
import email
import imaplib
import os
import re
from email.header import decode_header, make_header

M = imaplib.IMAP4(os.environ["IMAP_HOST"], int(os.environ["IMAP_PORT"]))
M.login(os.environ["IMAP_USER"], os.environ["IMAP_PASSWORD"])
M.select(os.environ["BENCH_MAILBOX"])
pat = re.compile(os.environ["BENCH_PATTERN"])
typ, data = M.uid("FETCH", "1:*", "(UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
matches = []
for item in data:
    if not isinstance(item, tuple):
        continue
    uid = re.search(rb"UID (\d+)", item[0]).group(1).decode()
    msg = email.message_from_bytes(item[1])
    subject = str(make_header(decode_header(msg.get("Subject", ""))))
    if pat.search(subject):
        matches.append(uid)
if matches:
    M.uid("MOVE", ",".join(matches), "Archive")
print(len(matches))
M.logout()
