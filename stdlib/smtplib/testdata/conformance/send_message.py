# send_message: the envelope from From/To/Cc/Bcc, Bcc not sent; Resent-
# fields when there is one Resent- block; two blocks are a ValueError.
import email
import smtplib
import canon

s = smtplib.SMTP(canon.HOST, canon.PORT, local_hostname=canon.LOCAL)
raw = ('From: Bob <%s>\r\nTo: Alice <%s>, nobody@%s\r\nCc: %s\r\nBcc: ghost@%s\r\nSubject: send_message\r\n\r\nbody\r\n'
       % (canon.addr('bob'), canon.addr('alice'), canon.DOMAIN, canon.addr('bob'), canon.DOMAIN)).encode()
canon.val('refused', s.send_message(email.message_from_bytes(raw)))
resent = ('Resent-Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nResent-From: %s\r\nResent-To: %s, ghost@%s\r\nFrom: x@elsewhere.example\r\nTo: y@elsewhere.example\r\nSubject: resent\r\n\r\nbody\r\n'
          % (canon.addr('alice'), canon.addr('bob'), canon.DOMAIN)).encode()
canon.val('resent refused', s.send_message(email.message_from_bytes(resent)))
twice = b'Resent-Date: a\r\nResent-Date: b\r\nFrom: x@example.test\r\n\r\nbody\r\n'
try:
    s.send_message(email.message_from_bytes(twice))
except ValueError as e:
    canon.exc('two resent blocks', e)
canon.val('explicit envelope', s.send_message(email.message_from_bytes(raw), canon.addr('alice'), [canon.addr('bob')]))
s.quit()
