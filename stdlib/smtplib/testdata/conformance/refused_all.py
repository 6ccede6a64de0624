# Every recipient refused: SMTPRecipientsRefused with each reply; the
# session goes on.
import smtplib
import canon

s = smtplib.SMTP(canon.HOST, canon.PORT, local_hostname=canon.LOCAL)
try:
    s.sendmail(canon.addr('bob'), [canon.addr('nobody'), canon.addr('ghost')], b'Subject: none\r\n\r\nx\r\n')
except smtplib.SMTPRecipientsRefused as e:
    canon.exc('refused', e)
    canon.val('recipients', e.recipients)
    canon.val('is SMTPException', isinstance(e, smtplib.SMTPException))
    canon.val('is SMTPResponseException', isinstance(e, smtplib.SMTPResponseException))
canon.val('then', s.sendmail(canon.addr('bob'), [canon.addr('alice')], b'Subject: then\r\n\r\nx\r\n'))
s.quit()
