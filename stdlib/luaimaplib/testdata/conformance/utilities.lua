-- The module's functions: Int2AP, ParseFlags, Internaldate2tuple, Time2Internaldate.
local imaplib = require("imaplib")
local canon = require("canon")

for _, n in ipairs({0, 1, 15, 16, 4096, 65535, 123456}) do
  canon.val(string.format("Int2AP %d", n), imaplib.Int2AP(n))
end
canon.val("ParseFlags", imaplib.ParseFlags("1 (FLAGS (\\Seen \\Deleted) UID 5)"))
canon.val("ParseFlags none", imaplib.ParseFlags("1 (UID 5)"))
canon.val("ParseFlags empty", imaplib.ParseFlags("1 (FLAGS ())"))
for _, s in ipairs({'25 (INTERNALDATE "01-Jan-2000 00:00:00 +0000")',
                    '25 (INTERNALDATE "01-Jan-2000 11:30:00 +1130")',
                    '25 (INTERNALDATE "31-Dec-1999 12:30:00 -1130")',
                    '1 (INTERNALDATE " 2-Feb-2024 23:59:59 +0100" FLAGS ())',
                    "bad"}) do
  canon.ttuple("Internaldate2tuple", imaplib.Internaldate2tuple(s))
end
canon.val("epoch", canon.str(imaplib.Time2Internaldate(2000000000)))
canon.val("float", canon.str(imaplib.Time2Internaldate(2000000000.75)))
canon.val("tuple", canon.str(imaplib.Time2Internaldate({2033, 5, 18, 3, 33, 20, 2, 138, 0})))
canon.val("struct", canon.str(imaplib.Time2Internaldate(os.date("*t", 1700000000))))
canon.val("quoted", canon.str(imaplib.Time2Internaldate('"18-May-2033 05:33:20 +0200"')))
local ok, e = pcall(imaplib.Time2Internaldate, "18-May-2033")
if not ok then
  if not imaplib.ValueError:is(e) then error(e, 0) end
  canon.exc("unquoted", e)
end
