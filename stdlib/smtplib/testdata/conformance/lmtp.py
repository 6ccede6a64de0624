# LMTP straight to Dovecot over its Unix socket.
import smtplib
import canon

s = smtplib.LMTP(canon.LMTP_SOCKET, local_hostname=canon.LOCAL)
code, msg = s.ehlo()
canon.val('lhlo code', code)
canon.val('pipelining', s.has_extn('pipelining'))
canon.val('refused', s.sendmail(canon.addr('bob'), [canon.addr('alice')], b'Subject: lmtp\r\n\r\nstraight in\r\n'))
try:
    s.sendmail(canon.addr('bob'), [canon.addr('nobody')], b'Subject: lmtp\r\n\r\nx\r\n')
except smtplib.SMTPRecipientsRefused as e:
    canon.val('unknown', sorted(e.recipients))
canon.reply('quit', s.quit())
