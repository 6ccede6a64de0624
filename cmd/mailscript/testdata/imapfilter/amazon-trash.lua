-- Move mail from one sender to the trash: a search of the whole mailbox,
-- then a search within its result ("meta-searching").
-- Modelled on simbelmas/dockerfiles, imapfilter/sample_config.lua (GitHub).

options.timeout = 120
options.subscribe = true
options.expunge = true
options.starttls = false
options.certificates = false

account = IMAP {
  server = 'my.server.fqdn.tld',
  username = 'my.mail@provider.tld',
  password = 'my_password',
  ssl = 'tls1.2',
  port = 993
}

autoTrashMessages = account.INBOX:select_all()
trash = autoTrashMessages:contain_from('amazon.com')
trash:move_messages(account["Trash"])
