-- The searches of a cheat sheet, each acting on what it finds: flags,
-- sizes, dates, keywords, and chains.
-- Modelled on the imapfilter cheat sheet at netvor.info (notes/cheatsheets).

myaccount = IMAP {
    server = 'imap.example.com',
    username = 'me',
    password = 'pw',
}
box = myaccount.INBOX

box:is_larger(50000):move_messages(myaccount['Big'])
box:has_keyword('$Important'):mark_flagged()
box:arrived_before('01-Jan-2000'):delete_messages()
box:sent_since(form_date(7)):is_unseen():add_flags({ 'Recent7' })
box:is_old():is_unseen():contain_subject('Deadline'):mark_answered()
;(box:contain_from('bob') * box:contain_subject('Lunch')):remove_flags({ '\\Answered' })
;(box:contain_from('tux') + box:contain_subject('Daemons')):replace_flags({ '\\Seen', 'Pets' })
;(box:is_flagged() - box:contain_from('beastie')):unmark_flagged()
box:is_draft():unmark_seen()
box:send_query('SUBJECT "old news" NOT SEEN'):copy_messages(myaccount['Archive'])
box:send_query({ 'UNSEEN', { 'FROM "cron"', 'FROM "root@"' } }):mark_seen()
box:is_smaller(600):is_undeleted():is_undraft():is_unanswered():has_unkeyword('Pets'):mark_draft()
print(#box:is_new(), #box:is_undeleted():is_recent(), #box:is_answered(), #box:is_flagged())
print(#box:match_field('X-Folded', 'again$'), #box:match_field('x-tricky', 'spaced'), #box:match_field('X-Folded', '^first\r\n second'))
