-- The IDLE examples of CPython 3.14's imaplib documentation
-- (idle_example.py), line by line. Python's `with M.idle(...) as idler:`
-- is imaplib.with(M:idle(...), function(idler) ... end): DONE is sent when
-- the function ends, also when it fails. The server comes from the
-- environment; IDLE_DURATION shortens the first wait (29 minutes by default).
local imaplib = require("imaplib")
local ssl = require("ssl")

local ctx = ssl.create_default_context({cafile = os.getenv("IMAP_CAFILE")})
local M = imaplib.IMAP4_SSL(os.getenv("IMAP_HOST") or "example.org", tonumber(os.getenv("IMAP_SSL_PORT")), {ssl_context = ctx})
M:login(os.getenv("IMAP_USER") or "user", os.getenv("IMAP_PASSWORD") or "password")
M:select()

imaplib.with(M:idle({duration = tonumber(os.getenv("IDLE_DURATION")) or 29 * 60}), function(idler)
  for typ, data in idler:iter() do
    print(typ, data[1])
  end
end)

imaplib.with(M:idle(), function(idler)
  -- get the next response and any others following by < 0.1 seconds
  local batch = {}
  for typ, datum in idler:burst() do batch[#batch + 1] = {typ, datum} end
  print(string.format("processing %d responses...", #batch))
  for _, r in ipairs(batch) do
    local typ, datum = r[1], r[2]
    print(typ, datum[1])
  end
end)

M:logout()
