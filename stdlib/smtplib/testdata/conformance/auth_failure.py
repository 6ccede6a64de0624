# A wrong password: every mechanism is tried, the last refusal raised.
import smtplib
import canon

s = smtplib.SMTP(canon.HOST, canon.PORT, local_hostname=canon.LOCAL)
try:
    s.login(canon.USER, 'wrong password')
except smtplib.SMTPAuthenticationError as e:
    canon.exc('login', e)
    canon.val('smtp_code', e.smtp_code)
    canon.val('is SMTPException', isinstance(e, smtplib.SMTPException))
try:
    s.login('nobody', canon.PASSWORD, initial_response_ok=False)
except smtplib.SMTPAuthenticationError as e:
    canon.exc('login no initial response', e)
canon.reply('login right', s.login(canon.USER, canon.PASSWORD))
s.quit()
