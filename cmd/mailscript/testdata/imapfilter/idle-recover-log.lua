-- A logging IDLE daemon: options keepalive, persist, recover, reenter and
-- wakeonany; stdout unbuffered with io.stdout:setvbuf; a log() helper
-- printing a date stamp; the mailbox processed once at start, then after
-- each enter_idle (two results: update and event) run under
-- recover(f, 10), whose (success, error message) pick the next step.
-- Modelled on stheine/docker-infrastructure, qnap/imapfilter/config.lua
-- (c3140fc); the account, prepare and filter files it loads with dofile
-- are not published and are written here for the test corpus.

----------------
--  Timezone  --
----------------

local tz=require"luatz"


-------------------
--  Environment  --
-------------------

MAILBOX = os.getenv('MAILBOX')


---------------
--  Options  --
---------------

options.keepalive = 5
options.timeout   = 120
options.subscribe = true
options.persist   = true
options.recover   = 'all'
options.reenter   = false
options.wakeonany = true


----------------
--  Accounts  --
----------------

-- (in the original: dofile('/config/account.' .. MAILBOX))
account = IMAP {
    server = 'imap.example.de',
    username = 'me',
    password = 'pw',
    ssl = 'tls1.2',
}


--------------
-- Logging --
--------------

io.stdout:setvbuf 'no' -- switch off buffering for stdout

function log(msg)
    time = tz.time_in('Europe/Berlin')
    print(os.date("%Y-%m-%d %H:%M:%S ") .. msg)
end


-------------------
-- Idle with log --
-------------------

function log_enter_idle()
    log('enter_idle()')
    update, event = account.INBOX:enter_idle()
    log('enter_idle() returns ' .. tostring(event))
end


---------------
--  Startup  --
---------------

print('\n\n');
log('-----------------------------------------------------------------');
log('imapfilter startup for ' .. MAILBOX)


---------------
--  Prepare  --
---------------

-- Get the status of a mailbox
log('check_status()')
exist, unread, unseen, uidnext = account.INBOX:check_status()

-- (in the original: dofile('/config/prepare.' .. MAILBOX))
seen_count = #account.INBOX:is_seen()
log('prepared, ' .. seen_count .. ' seen')


---------------
--  Process mailbox  --
---------------

function process_mailbox()
    -- Get the status of a mailbox
    exist, unread, unseen, uidnext = account.INBOX:check_status()
    log('status: ' .. exist .. ' total, ' .. unread .. ' unread, ' .. unseen .. ' unseen')

    -- Get unseen messages with the specified "To" header and a specific "Subject" pattern
    log('check match')

    -- (in the original: dofile('/config/filter.' .. MAILBOX))
    local results = account.INBOX:is_unseen() *
                    account.INBOX:contain_to('alice@example.org') *
                    account.INBOX:match_subject('^(Re: )?[A-Z][a-z]+ (in|again)')
    for _, message in ipairs(results) do
        local mbox, uid = table.unpack(message)
        log('match: ' .. mbox[uid]:fetch_field('Subject'))
    end
    results:mark_flagged()
    results:move_messages(account['Processed'])
end


--------------------
--  Process IDLE  --
--------------------

log('start processing')

-- Process the mailbox once on startup
process_mailbox()

while true do
    -- Wait for new message in mailbox
    success, errormsg = recover(log_enter_idle, 10)
    if success then
        log('log_enter_idle() returns')
        process_mailbox()
    else
        log('log_enter_idle() failed')

        sleep(10)
    end
end
