-- Helper functions that combine searches with +, used by the rules.
-- Modelled on l0b0/tilde, .imapfilter/config.lua (GitHub).

options.timeout = 60
options.subscribe = true
options.namespace = false
options.create = true
options.info = true

recipient_mail = function (mailbox, address)
    return mailbox:contain_to(address) +
           mailbox:contain_bcc(address) +
           mailbox:contain_cc(address)
end

subject_mail = function (mailbox, subject)
    return mailbox:contain_subject(subject)
end

work = IMAP {
    server = 'mail.example.com',
    username = 'jdoe',
    password = 'hunter2',
}

recipient_mail(work.INBOX, 'team@work.example'):move_messages(work['Work/Team'])
;(recipient_mail(work.INBOX, 'alice@example.org') * subject_mail(work.INBOX, 'Deadline')):mark_flagged()
subject_mail(work.INBOX, 'Cron'):move_messages(work['Admin/Cron'])
