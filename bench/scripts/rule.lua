-- The rule: move the messages whose decoded subject matches a regular
-- expression to Archive, with the mail module.
local mail = require("mail")
local box = mail.account():mailbox(os.getenv("BENCH_MAILBOX"))
print(box:all():match{subject = os.getenv("BENCH_PATTERN")}:move_to("Archive"))
