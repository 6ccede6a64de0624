# VRFY and EXPN, with a display name that quoteaddr strips.
import smtplib
import canon

s = smtplib.SMTP(canon.HOST, canon.PORT, local_hostname=canon.LOCAL)
canon.reply('verify', s.verify(canon.addr('alice')))
canon.reply('vrfy named', s.vrfy('Alice <%s>' % canon.addr('alice')))
canon.reply('verify unknown', s.verify(canon.addr('nobody')))
canon.reply('expn', s.expn(canon.addr('alice')))
canon.val('quoteaddr', smtplib.quoteaddr('Alice <a@example.test>'))
canon.val('quoteaddr empty', smtplib.quoteaddr(''))
s.quit()
