-- A main loop: check the status, take the unseen mail, filter it with
-- helpers built on contain_* and match_*, then wait in IDLE for more
-- (cut to one pass in the test).
-- Modelled on melver/conf, .imapfilter/common.lua (GitHub).

acc = IMAP {
    server = 'imap.example.com',
    username = 'marco',
    password = 'pw',
    ssl = 'tls1.2',
}

contain_tocc = function(m, arg) return m:contain_to(arg) + m:contain_cc(arg) end
match_tocc   = function(m, arg) return m:match_to(arg)   + m:match_cc(arg)   end

function do_filter()
    contain_tocc(msgs, 'team@work.example'):move_messages(acc['work'])
    match_tocc(msgs, '^alice@example\\.org$'):mark_flagged()
    msgs:match_from('penguin\\.land>?$'):move_messages(acc['penguins'])
    msgs:match_subject('^\\[(PATCH|patch)\\]'):move_messages(acc['patches'])
end

function main_loop()
    while true do
        acc.INBOX:check_status()
        if os.getenv("IMAPFILTER_ALL") == nil then
            msgs = acc.INBOX:is_unseen()
        else
            msgs = acc.INBOX:select_all()
        end

        do_filter()

        if os.getenv("IMAPFILTER_IDLE") == nil then
            break
        else
            if acc.INBOX:enter_idle() == false then
                error("Server does not support IDLE")
            end
        end
    end
end

print("Running once...")
main_loop()
