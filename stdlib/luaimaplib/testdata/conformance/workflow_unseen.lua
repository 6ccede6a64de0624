-- A typical rule: read the unseen mail's subjects, flag invoices, archive them.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
local typ, data = M:select("INBOX")
canon.text("messages", data[1])
typ, data = M:search(nil, "UNSEEN")
for num in data[1]:gmatch("%S+") do
  local typ, msg = M:fetch(num, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
  local subject = msg[1][2]:match("^%s*(.-)%s*$")
  canon.val(num, subject)
  if subject:find("Invoice", 1, true) then
    M:store(num, "+FLAGS", "\\Flagged")
    M:copy(num, "Archive")
    M:store(num, "+FLAGS", "\\Deleted")
  end
end
canon.res("expunge", M:expunge())
M:close()
canon.res("archive", M:status("Archive", "(MESSAGES UNSEEN)"))
M:logout()
