# A 200 KiB literal arrives whole.
import hashlib
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
M.select()
typ, data = M.fetch('5', '(BODY.PEEK[TEXT])')
canon.text('typ', typ)
canon.val('items', len(data))
canon.val('line', data[0][0])
body = data[0][1]
canon.val('size', len(body))
canon.val('start', body[:40])
canon.val('end', body[-40:])
canon.val('lines', body.count(b'\r\n'))
canon.val('close', data[1])
M.logout()
