# mail, rcpt, data and docmd one at a time; an unknown command.
import re
import smtplib
import canon

s = smtplib.SMTP(canon.HOST, canon.PORT, local_hostname=canon.LOCAL)
s.ehlo()
canon.reply('mail', s.mail(canon.addr('bob'), ['BODY=8BITMIME']))
canon.reply('rcpt', s.rcpt(canon.addr('alice')))
canon.reply('rcpt unknown', s.rcpt(canon.addr('nobody')))
code, msg = s.data(b'Subject: low level\r\n\r\n.\r\n..\r\nend')
canon.reply('data', (code, re.sub(rb'queued as \w+', b'queued as QID', msg)))
canon.reply('docmd', s.docmd('XFOO', 'bar'))
canon.reply('docmd noop', s.docmd('NOOP'))
s.putcmd('noop')
canon.reply('getreply', s.getreply())
canon.reply('data without rcpt', s.docmd('data'))
s.quit()
