"""Runs the Python side of the composition differential test.

Reads a JSON list of {"name", "py"} cases on stdin; each snippet builds a
message and leaves bytes or str in `out`. Prints a JSON object mapping each
name to the base64 of out's bytes, or "!ClassName" when the snippet raised.
"""
import base64
import json
import sys

PRELUDE = """
from email.message import EmailMessage, Message, MIMEPart
from email.mime.text import MIMEText
from email.mime.multipart import MIMEMultipart
from email.mime.base import MIMEBase
from email.mime.application import MIMEApplication
from email.mime.image import MIMEImage
from email.mime.message import MIMEMessage
from email.header import Header
from email import encoders, utils, message_from_bytes, message_from_string
"""

result = {}
for case in json.load(sys.stdin):
    env = {}
    try:
        exec(PRELUDE + case["py"], env)
        out = env["out"]
        if isinstance(out, str):
            out = out.encode("utf-8", "surrogateescape")
        result[case["name"]] = base64.b64encode(out).decode("ascii")
    except Exception as e:  # the class is what is compared
        result[case["name"]] = "!" + type(e).__name__
json.dump(result, sys.stdout)
