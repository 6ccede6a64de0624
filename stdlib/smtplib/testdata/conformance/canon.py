"""Canonical printer of the smtplib conformance pairs (Python side).

canon.lua prints the same text for equal data.

  reply(label, r)   a (code, msg) reply:   label: 250 b'2.0.0 Ok'
  val(label, v)     bytes b'..', str '..', None, ints, bools, lists, tuples, dicts (sorted)
  text(label, s)    plain text
  exc(label, e)     label: ClassName: str(e)
"""
import os
import ssl
import sys

HOST = os.environ['SMTP_HOST']
PORT = int(os.environ['SMTP_PORT'])
SUBMISSION_PORT = int(os.environ['SMTP_SUBMISSION_PORT'])
SMTPS_PORT = int(os.environ['SMTP_SMTPS_PORT'])
LMTP_SOCKET = os.environ['SMTP_LMTP_SOCKET']
USER = os.environ['SMTP_USER']
PASSWORD = os.environ['SMTP_PASSWORD']
CAFILE = os.environ['SMTP_CAFILE']
DOMAIN = os.environ['SMTP_DOMAIN']
LOCAL = 'client.example'


def addr(user):
    return user + '@' + DOMAIN


def context():
    return ssl.create_default_context(cafile=CAFILE)


def _bytes(b):
    q = "'"
    if b"'" in b and b'"' not in b:
        q = '"'
    out = ['b', q]
    for c in b:
        ch = chr(c)
        if ch == '\\' or ch == q:
            out.append('\\' + ch)
        elif ch == '\t':
            out.append('\\t')
        elif ch == '\n':
            out.append('\\n')
        elif ch == '\r':
            out.append('\\r')
        elif c < 32 or c >= 127:
            out.append('\\x%02x' % c)
        else:
            out.append(ch)
    out.append(q)
    return ''.join(out)


def fmt(v):
    if isinstance(v, bytes):
        return _bytes(v)
    if isinstance(v, str):
        return _bytes(v.encode('utf-8'))[1:]
    if v is None:
        return 'None'
    if isinstance(v, bool):
        return 'True' if v else 'False'
    if isinstance(v, int):
        return str(v)
    if isinstance(v, tuple):
        return '(' + ', '.join(fmt(x) for x in v) + ')'
    if isinstance(v, list):
        return '[' + ', '.join(fmt(x) for x in v) + ']'
    if isinstance(v, dict):
        return '{' + ', '.join(fmt(k) + ': ' + fmt(v[k]) for k in sorted(v)) + '}'
    raise TypeError('canon: cannot print %r' % (v,))


def _out(label, s):
    sys.stdout.write('%s: %s\n' % (label, s))
    sys.stdout.flush()


def reply(label, r):
    code, msg = r
    _out(label, '%d %s' % (code, fmt(msg)))


def val(label, v):
    _out(label, fmt(v))


def text(label, s):
    if isinstance(s, bytes):
        s = s.decode('latin-1')
    _out(label, str(s))


def exc(label, e):
    _out(label, '%s: %s' % (type(e).__name__, e))
