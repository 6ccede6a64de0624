-- Spam filtering by an external classifier: every unseen message is
-- fetched, piped to a checker, and those it flags are printed and
-- gathered with table.insert into a Set {} that is moved at the end.
-- Modelled on jamespo/gmailassassin, gmailass.lua (33fc86c), which pipes
-- to spamc; its credentials file is replaced by the account below.

options.certificates = false

-- (in the original: dofile(os.getenv("HOME") .. "/.private/imapfilter/gmailcreds.lua"))
gmaccount = IMAP {
    server = 'imap.gmail.com',
    username = 'someone@gmail.com',
    password = 'pw',
    ssl = 'ssl23',
}

all = gmaccount.INBOX:is_unseen()

spams = Set {}

for _, mesg in ipairs(all) do
    mbox, uid = table.unpack(mesg)
    text = mbox[uid]:fetch_message()
    if (pipe_to('spamc -c', text) == 1) then
       print(mbox[uid]:fetch_field('from'))
       table.insert(spams, mesg)
    end
end

spams:move_messages(gmaccount['[Gmail]/Spam'])
