# Arguments are sent as given: an explicit '' goes out empty (and the
# server refuses it); only None means the default.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)


def run(label, call):
    try:
        canon.res(label, call())
    except M.abort as e:
        canon.text(label, 'abort')
    except M.error as e:
        canon.exc(label, e)


run('list "", %', lambda: M.list('', '%'))
run('list \'""\', ""', lambda: M.list('""', ''))
# An omitted argument takes the default (nil in Lua). (Python's explicit
# None is left out of the command instead: see the list of differences.)
run('list default, %', lambda: M.list(pattern='%'))
run('lsub "", *', lambda: M.lsub('', '*'))
run('status "", (MESSAGES)', lambda: M.status('', '(MESSAGES)'))
run('select ""', lambda: M.select(''))
canon.text('state', M.state)
run('select default', lambda: M.select())
run('search "", ALL', lambda: M.search('', 'ALL'))
run('search None, ""', lambda: M.search(None, ''))
run('sort (DATE), "", ALL', lambda: M.sort('(DATE)', '', 'ALL'))
run('sort (DATE), None, ALL', lambda: M.sort('(DATE)', None, 'ALL'))
run('sort (DATE), UTF-8, ALL', lambda: M.sort('(DATE)', 'UTF-8', 'ALL'))
run('thread REFERENCES, "", ALL', lambda: M.thread('REFERENCES', '', 'ALL'))
run('thread REFERENCES, UTF-8, ALL', lambda: M.thread('REFERENCES', 'UTF-8', 'ALL'))
run('fetch "", (FLAGS)', lambda: M.fetch('', '(FLAGS)'))
run('uid SEARCH ""', lambda: M.uid('SEARCH', ''))
run('copy 1, ""', lambda: M.copy('1', ''))
run('create ""', lambda: M.create(''))
run('getacl ""', lambda: M.getacl(''))
M.logout()
