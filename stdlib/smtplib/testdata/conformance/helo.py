# HELO instead of EHLO: no ESMTP, helo_resp set, ehlo_resp None.
import smtplib
import canon

s = smtplib.SMTP(canon.HOST, canon.PORT, local_hostname=canon.LOCAL)
canon.val('helo_resp before', s.helo_resp)
canon.reply('helo', s.helo())
canon.val('helo_resp', s.helo_resp)
canon.val('ehlo_resp', s.ehlo_resp)
canon.val('does_esmtp', bool(getattr(s, 'does_esmtp', False)))
canon.val('refused', s.sendmail(canon.addr('bob'), [canon.addr('alice')], b'Subject: helo\r\n\r\nsent after HELO\r\n'))
canon.reply('quit', s.quit())
