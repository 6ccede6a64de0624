# Greeting, EHLO, the extensions Postfix advertises, NOOP, RSET, QUIT.
import smtplib
import canon

s = smtplib.SMTP(canon.HOST, canon.PORT, local_hostname=canon.LOCAL)
canon.reply('ehlo', s.ehlo())
canon.val('does_esmtp', s.does_esmtp)
for ext in ['size', 'PIPELINING', 'starttls', 'AUTH', '8bitmime', 'smtputf8', 'chunking', 'xclient']:
    canon.val('has_extn ' + ext, s.has_extn(ext))
canon.val('auth', s.esmtp_features['auth'])
canon.val('size', s.esmtp_features['size'])
canon.reply('noop', s.noop())
canon.reply('rset', s.rset())
canon.reply('quit', s.quit())
