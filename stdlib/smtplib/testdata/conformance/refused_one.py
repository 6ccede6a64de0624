# One recipient refused: sendmail returns it with the server's reply.
import smtplib
import canon

s = smtplib.SMTP(canon.HOST, canon.PORT, local_hostname=canon.LOCAL)
refused = s.sendmail(canon.addr('bob'), [canon.addr('nobody'), canon.addr('alice'), canon.addr('ghost')], b'Subject: partly\r\n\r\nx\r\n')
canon.val('refused', refused)
for k in sorted(refused):
    canon.val('code ' + k, refused[k][0])
canon.reply('noop after', s.noop())
s.quit()
