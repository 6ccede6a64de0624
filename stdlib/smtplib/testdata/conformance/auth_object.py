# auth() with a caller's authobject, with and without initial response.
import smtplib
import canon

s = smtplib.SMTP(canon.HOST, canon.PORT, local_hostname=canon.LOCAL)
s.ehlo()
challenges = []
def plain(challenge=None):
    challenges.append(challenge)
    return '\0%s\0%s' % (canon.USER, canon.PASSWORD)
def login(challenge=None):
    challenges.append(challenge)
    if challenge is None or challenge == b'Username:':
        return canon.USER
    return canon.PASSWORD
canon.reply('auth plain', s.auth('plain', plain))
s.quit()
s = smtplib.SMTP(canon.HOST, canon.PORT, local_hostname=canon.LOCAL)
s.ehlo()
canon.reply('auth login', s.auth('LOGIN', login, initial_response_ok=False))
canon.val('challenges', challenges)
try:
    s.auth('LOGIN', login)
except smtplib.SMTPAuthenticationError as e:
    canon.exc('again', e)
s.quit()
