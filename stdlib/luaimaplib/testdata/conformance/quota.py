# GETQUOTAROOT (two lists), GETQUOTA and SETQUOTA.
import imaplib
import canon

M = imaplib.IMAP4(canon.HOST, canon.PORT)
M.login(canon.USER, canon.PASSWORD)
typ, data = M.getquotaroot('INBOX')
canon.res('getquotaroot', (typ, data))
canon.val('roots', data[0])
canon.val('quotas', data[1])
canon.res('getquota', M.getquota('"User quota"'))
canon.res('getquota missing', M.getquota('"No quota"'))
canon.res('setquota', M.setquota('"User quota"', '(STORAGE 1000)'))
M.logout()
