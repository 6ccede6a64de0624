-- Rules run before a sync: spam by header score, lists into folders,
-- old notifications deleted.
-- Modelled on "Filtering email with imapfilter" by Pablo Iranzo
-- (iranzo.github.io, 2015).

options.timeout = 120
options.subscribe = true
options.create = true

RH = IMAP {
    server = 'localhost',
    username = 'iranzo',
    password = 'pw',
}

spam = RH.INBOX:match_field('X-Spam-Status', '^Yes, score=[0-9]+')
spam:move_messages(RH['Spam'])

for _, list in ipairs({ 'kubuntu-devel', 'ubuntu-doc', 'debian-user' }) do
    results = RH.INBOX:contain_field('List-Id', list)
    results:move_messages(RH['Lists/' .. list])
end

notifications = RH.INBOX:contain_from('linkedin.com') + RH.INBOX:contain_from('facebookmail.com')
;(notifications * RH.INBOX:is_older(60)):delete_messages()
;(notifications - RH.INBOX:is_older(60)):mark_seen()

cron = RH.INBOX:contain_from('root@') * RH.INBOX:is_seen()
cron:move_messages(RH['Cron'])
