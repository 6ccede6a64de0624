#!/usr/bin/env python3
"""Run the steps of imaplib's differential test through Python's imaplib.

Usage: pydiff.py HOST PORT USER PASSWORD STEPS

STEPS holds one JSON array per line: a method name of imaplib.IMAP4 and its
arguments (null is None; "$USER" and "$PASSWORD" are replaced; append's
message is a string sent as UTF-8 bytes). A line may start with an object
{"since": [3, 14]}: the step runs only on that Python version or later, and
prints "skipped" before it. Blank lines and lines starting with # are
ignored.

The output is one line per call, which the Go test prints the same way from
its own run:

    N name: 'typ' [data items as Python's repr] | STATE
    N name: !exception-class: message | STATE

preceded by the Python version, the greeting, the capabilities and the
state after connecting.
"""

import imaplib
import json
import sys


def main():
    host, port, user, password, steps = sys.argv[1:6]
    print("python %d.%d" % sys.version_info[:2])
    M = imaplib.IMAP4(host, int(port))
    print("welcome %r" % (M.welcome,))
    print("capabilities %s" % " ".join(M.capabilities))
    print("state %s" % M.state)
    subst = {"$USER": user, "$PASSWORD": password}
    n = 0
    with open(steps) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            step = json.loads(line)
            opts = {}
            if isinstance(step[0], dict):
                opts = step.pop(0)
            n += 1
            name, args = step[0], [subst.get(a, a) if isinstance(a, str) else a for a in step[1:]]
            since = tuple(opts.get("since", ()))
            if since and sys.version_info[:len(since)] < since:
                print("%d %s: skipped before Python %s" % (n, name, ".".join(map(str, since))))
                continue
            if name == "append":
                args[3] = args[3].encode("utf-8")
            try:
                typ, data = getattr(M, name)(*args)
                out = "%r %r" % (typ, data)
            except Exception as e:
                out = "!%s: %s" % (type(e).__name__, e)
            print("%d %s: %s | %s" % (n, name, out, M.state))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
