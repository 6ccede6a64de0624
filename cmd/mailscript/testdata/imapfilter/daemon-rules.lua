-- A daemon whose filtering function is one long list of rules, each
-- re-declaring the locals mailbox and result: unseen mail matching header,
-- sender and subject searches joined by * and + is marked seen and moved
-- with the old form mailbox:move_messages(destination, result), to
-- mailboxes that exist and to one that does not (no options.create).
-- Modelled on danil/dotfiles, .imapfilter/config/gmail.lua (06c50b0),
-- .imapfilter/config/options.lua.example (8c3bb71) and
-- .imapfilter/daemon.lua (37cd3b7), with the mail of the test corpus.

---------------
--  Options  --
---------------
options.timeout = 120
options.subscribe = true

----------------
--  Accounts  --
----------------
gmail = IMAP {
   server = "imap.example.org",
   username = "name@example.org",
   password = "password",
   ssl = "tls12",
}

-- -*- coding: utf-8-unix; -*-
function gmail_filtering()
   local trash = gmail.Trash

   -- Spam mark as read.
   local mailbox = gmail["[Gmail]/Spam"]
   local result = mailbox:is_unseen()
   mailbox:mark_seen(result)

   -- Shop messages filtering and mark as read.
   local mailbox = gmail.INBOX
   local result = mailbox:is_unseen() *
                  mailbox:contain_from("shipment-tracking@amazon.com") *
                  mailbox:contain_to("alice@example.org")
   mailbox:mark_seen(result)
   mailbox:move_messages(gmail.news, result)

   -- Ubuntu mailing lists filtering.
   local mailbox = gmail.INBOX
   local result = mailbox:is_unseen() *
                  mailbox:contain_field( "List-Id", "lists.ubuntu.com" )
   mailbox:move_messages(gmail.lists, result)

   -- Debian user mailing list filtering.
   local mailbox = gmail.INBOX
   local result = mailbox:is_unseen() *
                  ( mailbox:contain_field("List-Id", "debian-user.lists.debian.org") +
                    mailbox:contain_from("info@defectivebydesign.org") )
   mailbox:move_messages(gmail["lists/devel"], result)

   -- Junk in the devel list.
   local mailbox = gmail["lists/devel"]
   local result = mailbox:is_unseen() *
                  ( mailbox:contain_subject("huge refactor") +
                    mailbox:contain_subject("Openmoko.cz") )
   mailbox:move_messages(trash, result)

   -- Newsletter junk filtering.
   local mailbox = gmail.INBOX
   local result = mailbox:is_unseen() *
                  ( mailbox:contain_body("all work and no play") +
                    mailbox:contain_body("National Geographic Traveler") )
   mailbox:move_messages(trash, result)

   -- Launchpad bug messages filtering.
   local mailbox = gmail.INBOX
   local result = mailbox:is_unseen() *
                  mailbox:contain_from("bugs@launchpad.net")
   mailbox:mark_seen(result)
   mailbox:move_messages(gmail.security, result)

   -- Cron annoying messages filtering.
   local mailbox = gmail.INBOX
   local result = mailbox:is_unseen() *
                  mailbox:contain_from("root@server.example") *
                  mailbox:contain_subject("Cron <root@server>")
   mailbox:move_messages(trash, result)

   -- Scanner messages filtering.
   local mailbox = gmail.INBOX
   local result = mailbox:is_unseen() *
                  mailbox:contain_from("scanner@example.com") *
                  mailbox:contain_field("X-MailScanner-SpamCheck", "spam")
                  --mailbox:contain_subject("scanned")
   mailbox:move_messages(trash, result)

   -- Facebook messages filtering.
   local mailbox = gmail.INBOX
   local result = mailbox:is_unseen() *
                  mailbox:contain_from("notification@facebookmail.com") *
                  mailbox:contain_subject("new notifications")
   mailbox:move_messages(gmail.facebook, result)
end

-- IMAPFilter can be detached from the controlling terminal and run in
-- the background as a system daemon.
function forever()
   gmail_filtering()
end
become_daemon(600, forever)
