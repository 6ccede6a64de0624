---@meta mail.send
-- (Part of the "mail" module, not a module of its own.) Sending in mailscript's "mail" module: acct:send, msg:reply,
-- msg:forward, set:forward_each and mail.vacation.

---@class mail
local mail = {}

---@class mail.VacationOptions
---@field mbox mail.Mailbox the mailbox to answer (under watch: its new mail)
---@field text string the notice
---@field html? string
---@field subject? string "Auto: <subject>" by default
---@field days? integer one notice per sender per days (7)
---@field addresses? string[] your addresses; mail not sent to one of them is not answered
---@field first_day? string|number
---@field last_day? string|number
---@field from? string
---@field watch? boolean false: only v:answer(set) answers
---@field poll? number|string

---@class mail.Vacation
local Vacation = {}
---Answers the messages of set; returns how many got a notice.
---@param set mail.Set
---@return integer
function Vacation:answer(set) end
---The sender a notice would go to, or nil and the reason for none.
---@param msg mail.Message|email.Message|string
---@return string? sender, string? reason
function Vacation:decide(msg) end

---Answers new mail with RFC 3834 / RFC 5230 rules (see the mail package
---documentation).
---@param opts mail.VacationOptions
---@return mail.Vacation
function mail.vacation(opts) end

---@class mail.Account
local Account = {}
---Sends a message (an email.Message or its bytes) and stores a copy in
---the \Sent mailbox; returns the Message-ID and the refused recipients.
---@param msg email.Message|string
---@param opts? {save_sent?: boolean, sent_mailbox?: string, from?: string, to?: string[]}
---@return string message_id, table<string, string> refused
function Account:send(msg, opts) end
---@return string
function Account:from_address() end

---@class mail.Message
local Message = {}
---@param opts {text?: string, html?: string, quote?: boolean, all?: boolean, from?: string, subject?: string, headers?: string[], send?: boolean, save_sent?: boolean}
---@return string|email.Message message_id_or_message, table<string, string>? refused
function Message:reply(opts) end
---@param opts {to: string|string[], note?: string, inline?: boolean, from?: string, subject?: string, headers?: string[], send?: boolean, save_sent?: boolean}
---@return string|email.Message message_id_or_message, table<string, string>? refused
function Message:forward(opts) end

---@class mail.Set
local Set = {}
---@param opts {to: string|string[], note?: string, inline?: boolean, mark?: string, save_sent?: boolean}
---@return integer
function Set:forward_each(opts) end
return mail
