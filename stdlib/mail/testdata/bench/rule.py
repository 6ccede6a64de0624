# The same rule as rule.lua, as a Python imaplib user writes it: fetch the
# subjects, decode them, match, move the matches with one UID MOVE.
import email
import imaplib
import os
import re
from email.header import decode_header, make_header

M = imaplib.IMAP4(os.environ["IMAP_HOST"], int(os.environ["IMAP_PORT"]))
M.login(os.environ["IMAP_USER"], os.environ["IMAP_PASSWORD"])
M.select("INBOX")
typ, data = M.uid("SEARCH", None, "ALL")
uids = data[0].split()
pat = re.compile(r"[^\x00-\x7f]")
matches = []
for i in range(0, len(uids), 1000):
    chunk = b",".join(uids[i:i + 1000]).decode()
    typ, data = M.uid("FETCH", chunk, "(UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    for item in data:
        if not isinstance(item, tuple):
            continue
        uid = re.search(rb"UID (\d+)", item[0]).group(1).decode()
        msg = email.message_from_bytes(item[1])
        subject = str(make_header(decode_header(msg.get("Subject", ""))))
        if pat.search(subject):
            matches.append(uid)
if matches:
    M.uid("MOVE", ",".join(matches), "Matched")
print(len(matches))
M.logout()
