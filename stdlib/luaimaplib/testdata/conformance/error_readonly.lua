-- SELECT of a mailbox the server opens READ-ONLY raises IMAP4.readonly,
-- which except clauses for abort and error catch too; EXAMINE does not.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
for _, clause in ipairs({M.readonly, M.abort, M.error}) do
  local ok, e = pcall(M.select, M, "Readonly")
  if not ok then
    if not clause:is(e) then error(e, 0) end
    canon.exc("select", e)
    canon.val("readonly", imaplib.IMAP4.readonly:is(e))
    canon.val("abort", imaplib.IMAP4.abort:is(e))
    canon.val("error", imaplib.IMAP4.error:is(e))
  end
  canon.text("state", M.state)
end
canon.res("examine", M:select("Readonly", true))
canon.val("is_readonly", M.is_readonly)
canon.res("fetch", M:fetch("1", "(FLAGS)"))
canon.res("store", M:store("2", "+FLAGS", "\\Seen"))
M:logout()
