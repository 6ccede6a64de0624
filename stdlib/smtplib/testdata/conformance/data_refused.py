# A 5xx after the data: SMTPDataError with smtp_code and smtp_error.
import smtplib
import canon

s = smtplib.SMTP(canon.HOST, canon.PORT, local_hostname=canon.LOCAL)
try:
    s.sendmail(canon.addr('bob'), [canon.addr('alice')], b'Subject: please REJECT-ME now\r\n\r\nx\r\n')
except smtplib.SMTPDataError as e:
    canon.exc('data', e)
    canon.val('smtp_code', e.smtp_code)
    canon.val('smtp_error', e.smtp_error)
    canon.val('is SMTPResponseException', isinstance(e, smtplib.SMTPResponseException))
    canon.val('is SMTPSenderRefused', isinstance(e, smtplib.SMTPSenderRefused))
canon.reply('noop', s.noop())
s.quit()
