"""Canonical printer of the conformance suite (Python side).

canon.lua prints exactly the same text for equal data, so that the output
of a Python imaplib script and of its Lua translation can be compared byte
for byte.

  res(label, result)   a (typ, data) result:  label: 'OK' [b'...', (b'..', b'..'), None]
  val(label, v)        any value: bytes b'...', str '...', None, ints, bools, lists, tuples
  text(label, s)       a str or bytes printed as plain text
  words(label, seq)    the items of a sequence, space separated
  ttuple(label, t)     a time tuple: label: 2000-01-01 00:00:00 wday=5 yday=1 dst=0
  exc(label, e)        an exception: label: ClassName: message
"""
import os
import sys

HOST = os.environ.get('IMAP_HOST', 'localhost')
PORT = int(os.environ.get('IMAP_PORT', '143'))
SSL_PORT = int(os.environ.get('IMAP_SSL_PORT', '993'))
USER = os.environ.get('IMAP_USER', '')
PASSWORD = os.environ.get('IMAP_PASSWORD', '')
CAFILE = os.environ.get('IMAP_CAFILE', '')
STREAM = os.environ.get('IMAP_STREAM', '')
KICK = os.environ.get('IMAP_KICK', '')
USER2 = os.environ.get('IMAP_USER2', '')
PASSWORD2 = os.environ.get('IMAP_PASSWORD2', '')


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


def _str(s):
    return _bytes(s.encode('utf-8'))[1:]


def fmt(v):
    if isinstance(v, bytes):
        return _bytes(v)
    if isinstance(v, str):
        return _str(v)
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


def res(label, result):
    typ, data = result
    _out(label, fmt(typ) + ' ' + fmt(data))


def val(label, v):
    _out(label, fmt(v))


def _plain(s):
    if isinstance(s, bytes):
        return s.decode('latin-1')
    return str(s)


def text(label, s):
    _out(label, _plain(s))


def words(label, seq):
    _out(label, ' '.join(_plain(x) for x in seq))


def ttuple(label, t):
    if t is None:
        _out(label, 'None')
        return
    _out(label, '%04d-%02d-%02d %02d:%02d:%02d wday=%d yday=%d dst=%d' % (
        t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec,
        t.tm_wday, t.tm_yday, 1 if t.tm_isdst > 0 else 0))


def exc(label, e):
    _out(label, '%s: %s' % (type(e).__name__, e))
