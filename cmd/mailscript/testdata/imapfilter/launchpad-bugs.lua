-- Chained searches on header fields, a regex on one of them, and a
-- password read from a command.
-- Modelled on mhcerri/configs, home/.imapfilter/sample_config.lua (GitHub).

status, pass = pipe_from('gpg2 -dq ~/.mutt/my_pass.gpg')
if (status ~= 0) then
	os.exit(1)
end
acct = IMAP {
	server = 'imap.gmail.com',
	username = '<email>',
	password = pass,
	ssl = 'ssl23',
}

lp_user = 'alice'
bugs = function()
	return acct.INBOX:is_unseen():contain_from('launchpad.net')
end
results = (
	bugs():contain_field('X-Launchpad-Message-For', lp_user)
		:contain_field('X-Launchpad-Message-Rationale', 'Subscriber')
		:match_field('X-Launchpad-Message-Rationale', '^Subscriber$') +
	bugs():contain_field('X-Launchpad-Bug-Commenters', lp_user) +
	bugs():contain_field('X-Launchpad-Bug-Reporter', 'bob')
)
results:move_messages(acct['Bugs/Important'])
acct['Bugs/Important']:select_all():mark_seen()
