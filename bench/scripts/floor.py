# The floor's script: rule.py's work on one connection, where a set of
# matches too long for one command line (Dovecot refuses lines over
# 64 KiB, and rule.py fails there on 200,000 messages) is first saved in
# the search result variable "$" (SEARCHRES, RFC 5182), piece by piece,
# and moved with one UID MOVE $. On 10,000 messages the set fits and this
# is rule.py. The benchmark reads the server's own times off its replies:
# the FETCH, the saving SEARCHes and the MOVE.
import email
import imaplib
import os
import re
from email.header import decode_header, make_header

LINE = 60000  # bytes of UIDs per command, under Dovecot's 64 KiB

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
uids = ",".join(matches)
if len(uids) <= LINE:
    if matches:
        M.uid("MOVE", uids, "Archive")
else:
    pieces, piece = [], []
    for u in matches:
        if piece and len(",".join(piece)) + len(u) + 1 > LINE:
            pieces.append(",".join(piece))
            piece = []
        piece.append(u)
    pieces.append(",".join(piece))
    for i, p in enumerate(pieces):
        if i == 0:
            typ, _ = M.uid("SEARCH", "RETURN", "(SAVE)", "UID", p)
        else:
            typ, _ = M.uid("SEARCH", "RETURN", "(SAVE)", "OR", "UID", "$", "UID", p)
        assert typ == "OK", typ
    typ, _ = M.uid("MOVE", "$", "Archive")
    assert typ == "OK", typ
print(len(matches))
M.logout()
