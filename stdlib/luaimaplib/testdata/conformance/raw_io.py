# send(), readline() and read(): talking to the server directly.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
M.select()
canon.val('send', M.send(b'RAW1 NOOP\r\n'))
canon.val('readline', M.readline())
M.send(b'RAW2 FETCH 1 (BODY.PEEK[TEXT])\r\n')
line = M.readline()
canon.val('line', line)
size = int(line[line.rindex(b'{') + 1:line.rindex(b'}')])
canon.val('read', M.read(size))
canon.val('rest', M.readline())
canon.val('tagged', M.readline())
canon.res('noop', M.noop())
canon.val('peer port', M.socket().getpeername()[1] == canon.PORT)
M.logout()
