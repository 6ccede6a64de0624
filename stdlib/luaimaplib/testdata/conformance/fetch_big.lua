-- A 200 KiB literal arrives whole.
local imaplib = require("imaplib")
local canon = require("canon")

local M = imaplib.IMAP4(canon.HOST, canon.PORT)
M:login(canon.USER, canon.PASSWORD)
M:select()
local typ, data = M:fetch("5", "(BODY.PEEK[TEXT])")
canon.text("typ", typ)
canon.val("items", #data)
canon.val("line", data[1][1])
local body = data[1][2]
canon.val("size", #body)
canon.val("start", body:sub(1, 40))
canon.val("end", body:sub(-40))
local _, lines = body:gsub("\r\n", "")
canon.val("lines", lines)
canon.val("close", data[2])
M:logout()
