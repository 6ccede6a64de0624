# A non-ASCII address: SMTPUTF8 is used; the unknown user is refused.
import email.policy
import email
import smtplib
import canon

s = smtplib.SMTP(canon.HOST, canon.PORT, local_hostname=canon.LOCAL)
s.ehlo()
canon.val('smtputf8', s.has_extn('smtputf8'))
raw = ('From: %s\r\nTo: Jos\u00e9 <jos\u00e9@%s>, %s\r\nSubject: utf8\r\n\r\nol\u00e1\r\n' % (canon.addr('bob'), canon.DOMAIN, canon.addr('alice'))).encode('utf-8')
canon.val('refused', s.send_message(email.message_from_bytes(raw, policy=email.policy.default)))
canon.reply('mail in the same session', s.mail('jos\u00e9@' + canon.DOMAIN))
canon.reply('rset', s.rset())
try:
    s.mail('jos\u00e9@' + canon.DOMAIN)
except UnicodeEncodeError as e:
    canon.text('mail without SMTPUTF8', 'UnicodeEncodeError')
s.quit()
