---@meta time
-- mailscript's "time" module: the clock and the date formats of mail.
local time = {}

---@return number epoch seconds, with fraction
function time.now() end
---@param s string an RFC 5322 date
---@return integer? epoch
---@return integer|string|nil offset seconds, or the error message
function time.parse_rfc5322(s) end
---@param epoch number
---@param offset? integer seconds east of UTC
---@return string
function time.format_rfc5322(epoch, offset) end
---@param s string an IMAP date-time or date
---@return integer? epoch
---@return integer|string|nil offset or message
function time.parse_imap(s) end
---@param epoch number
---@param offset? integer
---@return string
function time.format_imap(epoch, offset) end
---@param epoch number
---@param opts? {utc?: boolean}
---@return string "5-Mar-2024"
function time.imap_date(epoch, opts) end
---@param n integer
---@param opts? {utc?: boolean, from?: number}
---@return string
function time.days_ago(n, opts) end
---@param n integer
---@param opts? {utc?: boolean, from?: number}
---@return string "SINCE <date>"
function time.since(n, opts) end
---@param n integer
---@param opts? {utc?: boolean, from?: number}
---@return string "BEFORE <date>"
function time.before(n, opts) end

return time
