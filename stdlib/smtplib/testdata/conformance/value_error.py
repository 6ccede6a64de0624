# CR or LF in a command is a ValueError before anything is sent.
import smtplib
import canon

s = smtplib.SMTP(canon.HOST, canon.PORT, local_hostname=canon.LOCAL)
for label, args in [('lf', 'x\nRSET'), ('crlf', 'x\r\nQUIT'), ('cr', 'x\rQUIT')]:
    try:
        s.docmd('NOOP', args)
    except ValueError as e:
        canon.exc(label, e)
try:
    s.ehlo('client\r\nMAIL FROM:<evil@example.test>')
except ValueError as e:
    canon.exc('ehlo', e)
canon.reply('still usable', s.noop())
s.quit()
