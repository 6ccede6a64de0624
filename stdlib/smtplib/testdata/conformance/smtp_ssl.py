# SMTP_SSL: implicit TLS; STARTTLS is then not offered.
import smtplib
import canon

s = smtplib.SMTP_SSL(canon.HOST, canon.SMTPS_PORT, local_hostname=canon.LOCAL, context=canon.context())
canon.reply('ehlo', s.ehlo())
try:
    s.starttls(context=canon.context())
except smtplib.SMTPNotSupportedError as e:
    canon.exc('starttls', e)
canon.reply('login', s.login(canon.USER, canon.PASSWORD))
canon.val('refused', s.sendmail(canon.addr('alice'), [canon.addr('bob'), canon.addr('nobody')], b'Subject: smtps\r\n\r\nx\r\n'))
canon.reply('quit', s.quit())
