-- Everything in a main function: a walk over list_all() that prints each
-- folder with string.format and checks the status of every mailbox in it
-- and at the top; then the same rules for two mailboxes (one with a space
-- in its name): recent mail (is_newer), its To and Cc printed from
-- fetch_fields (asked of INBOX whatever the mailbox, each cut by
-- string.sub), a chain of rules that each move their result and take it
-- out of what the next sees (mails = mails - filtered), rules that depend
-- on the mailbox, and for INBOX a spam check of each remaining message
-- (mailbox[uid]:fetch_message piped to a program) sorting it into two
-- Set {} filled by table.insert. The password is read from a file.
-- Modelled on adizero/dotfiles, .imapfilter/config.lua (ebdfa79), with
-- the mail of the test corpus.

function main()
    options.certificates = false

    local account = IMAP {
        server = 'outlook.example.com',
        username = 'someone@example.com',
        password = get_imap_password(".imap_app_password"),
        port = 993,
        ssl = 'tls1',
    }

    mailboxes, folders = account:list_all()

    for i, f in pairs(folders) do
        print(string.format("--folder %d %s", i, f))
        inner = account:list_all(f)
        for _, m in pairs(inner) do
            account[m]:check_status()
        end
    end

    print(string.format("--no folder"))
    for _, m in pairs(mailboxes) do
        account[m]:check_status()
    end

    filter_mails(account, "Junk E-mail")
    filter_mails(account, "INBOX")
end

function filter_mails(account, folder)
    mails = account[folder]:select_all()
    mails = mails:is_newer(4) -- only mail of the last days
    -- Not in the original: leave out mail that another client flagged
    -- deleted. imapfilter's first move here expunges it, so it is gone
    -- when the spam check fetches it; mailscript expunges only what it
    -- moved and keeps it (a deliberate difference, docs/imapfilter.md).
    mails = mails:is_undeleted()

    tos = account.INBOX:fetch_fields({ 'to', 'cc' }, mails)
    if tos ~= nil then
        for _, s in pairs(tos) do
            print(string.format("%s", string.sub(s, 0, s:len() - 1)))
        end
    end

    filtered = mails:contain_subject("[org/repo]") + mails:contain_subject("[Bug ")
    filtered:move_messages(account["Work/Tracker"])
    mails = mails - filtered

    filtered = mails:contain_subject("Cron <") + mails:contain_from("cron daemon")
    filtered:move_messages(account["Work/Cron"])
    mails = mails - filtered

    filtered = mails:match_to("team@work") + mails:match_cc("team@work")
    filtered:move_messages(account["Work/Team"])
    mails = mails - filtered

    filtered = mails:contain_from("linkedin") + mails:contain_from("facebookmail")
    filtered:move_messages(account["Newsletters"])
    mails = mails - filtered

    -- rules that depend on the mailbox
    filtered = mails:contain_subject("SPAM") + mails:contain_from("lottery")
    if folder == "INBOX" then
        -- to the junk mailbox
        filtered:move_messages(account["Junk E-mail"])
    end
    mails = mails - filtered

    if folder == "Junk E-mail" then
        -- the rest back to INBOX
        mails:move_messages(account["INBOX"])
    end

    if folder == "INBOX" then
        -- what is left is checked for spam, one message at a time
        hams = Set {}
        spams = Set {}
        for _, mesg in ipairs(mails) do
            mbox, uid = table.unpack(mesg)
            text = mbox[uid]:fetch_message()
            if text ~= nil then
                local spam
                if pipe_to('spamassassin -e 1>/dev/null', text) == 0 then
                    spam = 0
                else
                    spam = 1
                end

                if spam == 0 then
                    print("HAM")
                    table.insert(hams, mesg)
                else
                    print("SPAM")
                    table.insert(spams, mesg)
                end
            end
        end

        hams:move_messages(account["Main"])
        spams:move_messages(account["Spam"])
    end
end

-- The password, from a file in the home directory
function get_imap_password(file)
    local home = os.getenv("HOME")
    local file = home .. "/" .. file
    local str = io.open(file):read()
    return str
end

main() -- run it
