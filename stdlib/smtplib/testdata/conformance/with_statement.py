# The context manager: QUIT at the end, also when the body raises.
import smtplib
import canon

with smtplib.SMTP(canon.HOST, canon.PORT, local_hostname=canon.LOCAL) as s:
    canon.reply('noop', s.noop())
try:
    s.noop()
except smtplib.SMTPServerDisconnected as e:
    canon.exc('after with', e)
try:
    with smtplib.SMTP(canon.HOST, canon.PORT, local_hostname=canon.LOCAL) as s:
        s.sendmail(canon.addr('bob'), [canon.addr('nobody')], b'x\r\n')
except smtplib.SMTPRecipientsRefused as e:
    canon.exc('raised through with', e)
