# The floor's script: rule.py on one connection, except that a UID MOVE
# whose set of UIDs is too long for one command line (Dovecot refuses
# lines over 64 KiB, and rule.py fails there on 200,000 messages) moves
# the search result variable "$" (SEARCHRES, RFC 5182) instead, after
# UID SEARCH RETURN (SAVE) commands have saved the set in it piece by
# piece. On 10,000 messages the set fits and this is rule.py. The
# benchmark reads the server's own times off the replies: the FETCH, the
# saving SEARCHes and the MOVE.
import imaplib
import os
import runpy

LINE = 60000  # bytes of UIDs per command, under Dovecot's 64 KiB

uid = imaplib.IMAP4.uid


def pieces(uids):
    """Cuts a comma-separated UID list into lists of at most LINE bytes."""
    out, piece = [], ""
    for u in uids.split(","):
        if piece and len(piece) + 1 + len(u) > LINE:
            out.append(piece)
            piece = ""
        piece = u if not piece else piece + "," + u
    return out + [piece]


def uid_via_saved(self, command, *args):
    if command.upper() != "MOVE" or len(args[0]) <= LINE:
        return uid(self, command, *args)
    for i, p in enumerate(pieces(args[0])):
        more = ("OR", "UID", "$") if i else ()
        typ, data = uid(self, "SEARCH", "RETURN", "(SAVE)", *more, "UID", p)
        if typ != "OK":
            raise self.error("saving the set in $: %s %s" % (typ, data))
    return uid(self, command, "$", *args[1:])


imaplib.IMAP4.uid = uid_via_saved
runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "rule.py"), run_name="__main__")
