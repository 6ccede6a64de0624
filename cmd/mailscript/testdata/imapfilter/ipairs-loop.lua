-- Walking a result with ipairs (not pairs, whose order and keys differ)
-- and deciding per message from its subject.
-- Modelled on "Using the new version of imapfilter with mutt" by Greg
-- Sabino Mullane (End Point blog, 2011).

options.timeout = 120
options.info = false

myaccount = IMAP {
    server = 'mail.example.com',
    username = 'greg',
    password = 'pw',
}

inbox = myaccount.INBOX
result = inbox:is_unseen()
count = 0
for _, mesg in ipairs(result) do
    local mbox, uid = table.unpack(mesg)
    local subject = mbox[uid]:fetch_field('Subject')
    local match, list = regex_search('^Subject: \\[([a-z-]+)\\]', subject)
    if match then
        print('list ' .. list .. ': ' .. subject)
        mbox:move_messages(myaccount['lists/' .. list], { mesg })
        count = count + 1
    end
end
print(count .. ' messages sorted by list tag')
