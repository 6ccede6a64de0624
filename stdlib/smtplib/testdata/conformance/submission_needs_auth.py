# Submission after STARTTLS but without login: recipients refused.
import smtplib
import canon

s = smtplib.SMTP(canon.HOST, canon.SUBMISSION_PORT, local_hostname=canon.LOCAL)
s.starttls(context=canon.context())
try:
    s.sendmail(canon.addr('alice'), [canon.addr('bob')], b'Subject: anonymous\r\n\r\nx\r\n')
except smtplib.SMTPException as e:
    canon.exc('send without login', e)
s.quit()
