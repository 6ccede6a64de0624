-- Classify mail with an external program: fetch each unseen message,
-- pipe it to a filter and act on its exit status, in batches.
-- Modelled on the config of "Use imapfilter to filter spam" by Kyle
-- Manna (blog.kylemanna.com, 2013), which pipes to spamassassin.

options.timeout = 120

account = IMAP {
    server = 'imap.example.net',
    username = 'kyle',
    password = 'pw',
    ssl = 'tls1',
}

function trim(s)
    return (s:gsub("^%s*(.-)%s*$", "%1"))
end

function filter(results)
    local spam = Set {}
    local batch = 4
    for i = 1, #results, batch do
        for j = i, math.min(i + batch - 1, #results) do
            local mailbox, uid = table.unpack(results[j])
            local text = mailbox[uid]:fetch_message()
            if pipe_to('grep -q "^X-Spam-Flag: YES"', text) == 0 then
                table.insert(spam, results[j])
            end
        end
    end
    return spam
end

unseen = account.INBOX:is_unseen()
spam = filter(unseen)
print('spam: ' .. #spam .. ' of ' .. #unseen)
spam:mark_seen()
spam:move_messages(account['Junk'])

status, out = pipe_from('echo "  done  "')
print(status, trim(out))
