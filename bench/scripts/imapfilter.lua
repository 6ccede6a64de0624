-- The rule of rule.lua as an imapfilter configuration: the messages whose
-- subject matches a regular expression go to Archive.
options.info = false
options.starttls = false
options.namespace = false
options.timeout = 300

local account = IMAP {
  server = os.getenv("IMAP_HOST"),
  port = tonumber(os.getenv("IMAP_PORT")),
  username = os.getenv("IMAP_USER"),
  password = os.getenv("IMAP_PASSWORD"),
}

local results = account[os.getenv("BENCH_MAILBOX")]:select_all():match_subject(os.getenv("BENCH_PATTERN"))
results:move_messages(account["Archive"])
print(#results)
