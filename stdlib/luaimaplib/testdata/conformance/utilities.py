# The module's functions: Int2AP, ParseFlags, Internaldate2tuple, Time2Internaldate.
import imaplib
import time
import canon

for n in (0, 1, 15, 16, 4096, 65535, 123456):
    canon.val('Int2AP %d' % n, imaplib.Int2AP(n))
canon.val('ParseFlags', imaplib.ParseFlags(b'1 (FLAGS (\\Seen \\Deleted) UID 5)'))
canon.val('ParseFlags none', imaplib.ParseFlags(b'1 (UID 5)'))
canon.val('ParseFlags empty', imaplib.ParseFlags(b'1 (FLAGS ())'))
for s in (b'25 (INTERNALDATE "01-Jan-2000 00:00:00 +0000")',
          b'25 (INTERNALDATE "01-Jan-2000 11:30:00 +1130")',
          b'25 (INTERNALDATE "31-Dec-1999 12:30:00 -1130")',
          b'1 (INTERNALDATE " 2-Feb-2024 23:59:59 +0100" FLAGS ())',
          b'bad'):
    canon.ttuple('Internaldate2tuple', imaplib.Internaldate2tuple(s))
canon.val('epoch', imaplib.Time2Internaldate(2000000000))
canon.val('float', imaplib.Time2Internaldate(2000000000.75))
canon.val('tuple', imaplib.Time2Internaldate((2033, 5, 18, 3, 33, 20, 2, 138, 0)))
canon.val('struct', imaplib.Time2Internaldate(time.localtime(1700000000)))
canon.val('quoted', imaplib.Time2Internaldate('"18-May-2033 05:33:20 +0200"'))
try:
    imaplib.Time2Internaldate('18-May-2033')
except ValueError as e:
    canon.exc('unquoted', e)
