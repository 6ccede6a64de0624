"""Reference values for the differential test of the email module.

Reads the message files named on the command line with Python's own email
package (message_from_bytes, compat32 policy) and prints one JSON object
mapping each file's base name to what a Python script would extract from
it. Values Python cannot produce (it raises, or it returns a Header object
for raw 8-bit text) are reported as the strings "!error" and "!8bit"; the
Go test does not compare those fields.
"""
import calendar
import json
import os
import sys
from email import message_from_bytes
from email.header import decode_header, make_header
from email.policy import compat32
from email.utils import getaddresses, parseaddr, parsedate_to_datetime


def has_8bit(s):
    return any(ord(c) > 127 for c in s)


def text(value):
    """The decoded text of a raw header value, as scripts compute it."""
    if value is None:
        return None
    if has_8bit(value):
        return "!8bit"
    try:
        return str(make_header(decode_header(value)))
    except Exception:
        return "!error"


def raw_header(msg, name):
    for k, v in msg.raw_items():
        if k.lower() == name:
            return v
    return None


def raw_all(msg, name):
    return [v for k, v in msg.raw_items() if k.lower() == name]


def address(pair):
    name, addr = pair
    return [text(name), "!8bit" if has_8bit(addr) else addr]


def date(value):
    if value is None:
        return None
    try:
        dt = parsedate_to_datetime(value)
    except Exception:
        return "!invalid"
    if dt.tzinfo is None:
        return [calendar.timegm(dt.timetuple()), None]
    return [int(dt.timestamp()), int(dt.utcoffset().total_seconds())]


def part_text(part):
    payload = part.get_payload(decode=True)
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:
        return payload.decode("utf-8", "replace")


def describe(msg):
    out = {
        "subject": text(raw_header(msg, "subject")),
        "from": address(parseaddr(raw_header(msg, "from"))) if raw_header(msg, "from") is not None else None,
        "to": [address(p) for p in getaddresses(raw_all(msg, "to"))],
        "date": date(raw_header(msg, "date")),
        "parts": [],
    }
    for part in msg.walk():
        fn = part.get_filename()
        if fn is not None:
            if any(0xDC80 <= ord(c) <= 0xDCFF for c in fn):
                fn = "!8bit"
            else:
                try:
                    fn = str(make_header(decode_header(fn)))
                except Exception:
                    fn = "!error"
        p = {
            "type": part.get_content_type(),
            "multipart": part.is_multipart(),
            "filename": fn,
            "charset": part.get_content_charset(),
        }
        if part.get_content_maintype() == "text" and not part.is_multipart():
            p["text"] = part_text(part)
        p["defects"] = [type(d).__name__ for d in part.defects]
        out["parts"].append(p)
    return out


def main():
    result = {}
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            msg = message_from_bytes(f.read(), policy=compat32)
        result[os.path.basename(path)] = describe(msg)
    json.dump(result, sys.stdout, ensure_ascii=False, sort_keys=True)


if __name__ == "__main__":
    main()
