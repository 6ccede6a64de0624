# After QUIT: SMTPServerDisconnected; connect() again works.
import smtplib
import canon

s = smtplib.SMTP(canon.HOST, canon.PORT, local_hostname=canon.LOCAL)
canon.reply('quit', s.quit())
try:
    s.noop()
except smtplib.SMTPServerDisconnected as e:
    canon.exc('noop after quit', e)
    canon.val('is SMTPException', isinstance(e, smtplib.SMTPException))
canon.reply('connect', s.connect(canon.HOST, canon.PORT))
canon.reply('noop', s.noop())
s.close()
try:
    s.ehlo()
except smtplib.SMTPServerDisconnected as e:
    canon.exc('ehlo after close', e)
t = smtplib.SMTP(local_hostname=canon.LOCAL)
try:
    t.noop()
except smtplib.SMTPServerDisconnected as e:
    canon.exc('never connected', e)
