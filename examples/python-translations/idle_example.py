# The IDLE examples of CPython 3.14's imaplib documentation: wait for what
# the server pushes, for a while or in bursts. The source of
# idle_example.lua, which is what the tests run.
import imaplib

M = imaplib.IMAP4_SSL('example.org')
M.login('user', 'password')
M.select()

with M.idle(duration=29 * 60) as idler:
    for typ, data in idler:
        print(typ, data)

with M.idle() as idler:
    # get the next response and any others following by < 0.1 seconds
    batch = list(idler.burst())
    print(f'processing {len(batch)} responses...')
    for typ, datum in batch:
        print(typ, datum)

M.logout()
