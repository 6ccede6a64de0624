# sendmail to one recipient, a bare string recipient, a list of two.
import smtplib
import canon

s = smtplib.SMTP(canon.HOST, canon.PORT, local_hostname=canon.LOCAL)
msg = b'From: bob@example.test\r\nSubject: hello\r\n\r\n.a dotted line\r\nbye\r\n'
canon.val('one', s.sendmail(canon.addr('bob'), [canon.addr('alice')], msg))
canon.val('string', s.sendmail(canon.addr('bob'), canon.addr('alice'), msg))
canon.val('two', s.sendmail('Bob <%s>' % canon.addr('bob'), [canon.addr('alice'), canon.addr('bob')], msg))
canon.reply('quit', s.quit())
