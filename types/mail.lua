---@meta mail
-- mailscript's "mail" module: accounts, searches as sets, safe actions.

---@class mail
---@field dry_run boolean when true, actions only log what they would do and return the count they would act on
local mail = {}

---Runs fn(set) with the messages that arrive in mbox, for as long as the
---rule lives: one IDLE connection per mailbox (STATUS polling where the
---server has no IDLE), bursts coalesced, nothing handled twice across
---reconnects and restarts. Mail already there counts as seen. The set can
---be read and acted on through any connection of the account (views are
---brought up to date first). A callback that returns, or fails because of
---the script, has handled its messages; one that ended on a connection or
---server failure (an imaplib abort, a timeout) has not: its messages come
---again after the trigger reconnects.
---@param mbox mail.Mailbox
---@param fn fun(new: mail.Set)
---@param opts? {poll?: string|number} polling interval where IDLE is missing
function mail.on_new(mbox, fn, opts) end

---Runs fn(changed, expunged) when flags change or messages are expunged in
---mbox (CONDSTORE where the server has it). A callback that ended on a
---connection or server failure gets the same changes again after the
---trigger reconnects.
---@param mbox mail.Mailbox
---@param fn fun(changed: mail.Set, expunged: mail.Set)
---@param opts? {poll?: string|number}
function mail.on_change(mbox, fn, opts) end

---An error class of the mail module. Every error the module raises is a
---value of mail.Error or of one of its subclasses.
---@class mail.ErrorClass
---@field name string "LoginError", ...
---@field qualname string "mail.LoginError", ...
---@field parent? mail.ErrorClass
local ErrorClass = {}

---Whether e is an error of this class or of a subclass.
---@param e any
---@return boolean
function ErrorClass:is(e) end

---An error raised by the mail module; tostring(e) is its message.
---@class mail.ErrorValue
---@field class mail.ErrorClass
---@field name string the class's name
---@field message string
---@field args string[]

---Every error of the module.
mail.Error = ErrorClass
---The server refused the credentials.
mail.LoginError = ErrorClass
---The server could not be reached, the connection dropped, or the server broke the protocol.
mail.ConnectionError = ErrorClass
---The mailbox does not exist.
mail.NoSuchMailbox = ErrorClass
---A bad argument, setting or search key, caught before anything is sent.
mail.ArgumentError = ErrorClass
---The run lacks a permission (--allow-run, --allow-read, ...).
mail.PermissionError = ErrorClass

---@class mail.AccountConfig
---@field host string
---@field port? integer 993 with implicit TLS, else 143
---@field tls? "implicit"|"starttls"|"none"
---@field user string
---@field password? string
---@field password_cmd? string shell command; first output line is the password (needs --allow-run)
---@field password_env? string environment variable holding the password
---@field oauth2? string|{token?: string, token_cmd?: string} the name of a sign-in ("mailscript auth login NAME"), or a token or a command printing one
---@field ca_file? string PEM certificates to trust besides the system's
---@field insecure? boolean no certificate verification
---@field timeout? number|string seconds, or "30s"
---@field create? boolean create missing destination mailboxes
---@field smtp? string|{host?: string, port?: integer, tls?: string, user?: string, from?: string} the outgoing server for acct:send (default: the IMAP host, port 587, STARTTLS)
---@field smtp_tls? "starttls"|"implicit"|"none" the outgoing server's TLS
---@field smtp_from? string the sender address of mail the account sends
---@field scan_connections? integer how many connections a match over a large set may use at once, its own included (default 3; 1 turns the shared pool off)

---An account. With no argument, the URL in MAILSCRIPT_ACCOUNT; with a URL
---("imaps://user@host", "imap://user:pass@host:port?tls=none") and
---optional settings; or with a table of settings. Connects on first use.
---@param config? string|mail.AccountConfig
---@param more? mail.AccountConfig
---@return mail.Account
function mail.account(config, more) end

---@class mail.Account
---@field name string user@host
---@field user string
---@field host string
local Account = {}

---@param name string
---@return mail.Mailbox
function Account:mailbox(name) end

---@param pattern? string "*" (default) or "%"
---@return mail.Mailbox[]
function Account:mailboxes(pattern) end

---The mailbox with a special-use attribute such as "\\Junk", or nil.
---@param attr string
---@return mail.Mailbox?
function Account:special(attr) end

---@param name string
function Account:create(name) end
---@param name string
function Account:delete(name) end
---@param old string
---@param new string
function Account:rename(old, new) end
---@param name string
function Account:subscribe(name) end
---@param name string
function Account:unsubscribe(name) end
function Account:close() end

---@class mail.Status
---@field messages integer
---@field unseen integer
---@field recent integer
---@field uidnext integer
---@field uidvalidity integer

---@class mail.Query
---@field from? string|string[]
---@field to? string|string[]
---@field cc? string|string[]
---@field bcc? string|string[]
---@field subject? string|string[]
---@field body? string|string[]
---@field text? string|string[]
---@field header? table<string, string>
---@field seen? boolean
---@field unseen? boolean
---@field flagged? boolean
---@field unflagged? boolean
---@field answered? boolean
---@field unanswered? boolean
---@field deleted? boolean
---@field undeleted? boolean
---@field draft? boolean
---@field undraft? boolean
---@field recent? boolean
---@field keyword? string|string[]
---@field unkeyword? string|string[]
---@field larger? integer|string bytes or "500K", "2M"
---@field smaller? integer|string
---@field since? integer|string epoch or "2024-03-05"
---@field before? integer|string
---@field on? integer|string
---@field sent_since? integer|string
---@field sent_before? integer|string
---@field sent_on? integer|string
---@field older? integer|string "30d", "12h", "2w" or days
---@field newer? integer|string
---@field uid? integer|string|integer[]
---@field any? mail.Query[]|mail.Query OR of the alternatives
---@field no? mail.Query[]|mail.Query NOT

---@class mail.Mailbox
---@field name string
---@field account mail.Account
local Mailbox = {}

---@return mail.Status
function Mailbox:status() end

---@param raw string the whole message
---@param opts? {flags?: string[], date?: integer|string}
---@return integer? uid
function Mailbox:append(raw, opts) end

---@return mail.Set
function Mailbox:all() end

---The messages that arrived since the last set:ack(key) (all of them
---before the first ack); reset when the mailbox's UIDVALIDITY changes.
---@param key string
---@return mail.Set
function Mailbox:new_since(key) end

---Applies fn to the messages in the mailbox now, in batches, newest first
---(or oldest first), resumable: the position is kept in the rule's state
---under key, saved after each batch together with what fn stored in the
---state, so a run that was stopped goes on where it stopped and every
---message is handled once. Returns how many messages this call handled
---(0 once the walk is complete). Shows a progress bar on a terminal.
---@param key string
---@param opts? {batch?: integer, order?: "newest"|"oldest"}
---@param fn fun(set: mail.Set)
---@return integer handled
function Mailbox:backfill(key, opts, fn) end

---@param query mail.Query
---@return mail.Set
function Mailbox:search(query) end

---A set of messages (mailbox, UID). + union, * intersection, - difference,
---# count.
---@class mail.Set
---@operator add(mail.Set): mail.Set
---@operator mul(mail.Set): mail.Set
---@operator sub(mail.Set): mail.Set
---@operator len: integer
local Set = {}

---@param query mail.Query
---@return mail.Set
function Set:search(query) end

---Narrows on the client with regular expressions (re module syntax) on
---decoded headers and text.
---@param patterns {subject?: string, from?: string, to?: string, cc?: string, body?: string, header?: table<string, string>}
---@return mail.Set
function Set:match(patterns) end

---@return boolean
function Set:is_empty() end
---@param mbox? mail.Mailbox
---@return integer[]
function Set:uids(mbox) end
---@return mail.Mailbox[]
function Set:mailboxes() end

---Moves the messages; returns how many the server confirmed moved (COPYUID,
---MOVE's expunges), never the size of the set. A cut move is finished for
---the messages still in the source, completed from what was recorded.
---@param dest mail.Mailbox|string
---@return integer moved
function Set:move_to(dest) end
---@param dest mail.Mailbox|string
---@return integer copied
function Set:copy_to(dest) end
---@return integer deleted
function Set:delete() end
---@return integer
function Set:mark_seen() end
---@return integer
function Set:unmark_seen() end
---Flags the messages; returns how many the server confirmed (STORE's FETCH
---replies).
---@param flag? string default "\\Flagged"
---@return integer
function Set:flag(flag) end
---@param flag? string default "\\Flagged"
---@return integer
function Set:unflag(flag) end
---@param keyword string
---@return integer
function Set:add_keyword(keyword) end
---@param keyword string
---@return integer
function Set:remove_keyword(keyword) end
---@param flags string[]
---@return integer
function Set:replace_flags(flags) end

---Records the set's messages as handled for mbox:new_since(key).
---@param key string
function Set:ack(key) end

---Iterates over the messages, fetched in batches.
---@param opts? {batch?: integer}
---@return fun(): mail.Message?
function Set:messages(opts) end

---@class mail.Message
---@field uid integer
---@field mailbox mail.Mailbox
---@field subject string decoded
---@field from string decoded, "Name <addr>"
---@field to string
---@field cc string
---@field from_addr string?
---@field message_id string
---@field date integer epoch seconds
---@field internal_date integer
---@field size integer
---@field flags string[]
local Message = {}

---@param name string
---@return string?
function Message:header(name) end
---@param name string
---@return string[]
function Message:header_all(name) end
---@param flag string
---@return boolean
function Message:has_flag(flag) end
---@return string
function Message:text() end
---@return string
function Message:raw() end
---@return {filename: string?, content_type: string, size: integer, data: string}[]
function Message:attachments() end
---@return email.Message
function Message:parse() end

return mail
