---@meta
-- The globals of `mailscript imapfilter`: imapfilter's configuration API
-- (imapfilter_config(5)), for configs run unchanged. Not a module: these
-- exist only in a config run by `mailscript imapfilter`.

---A result: an array of {mailbox, uid} pairs (ipairs, #, table.insert
---work), with the searches and actions of a mailbox applied to its
---messages; + is union, * intersection, - difference.
---@class imapfilter.Set
---@field [integer] { [1]: imapfilter.Mailbox, [2]: integer }
---@operator add(imapfilter.Set): imapfilter.Set
---@operator mul(imapfilter.Set): imapfilter.Set
---@operator sub(imapfilter.Set): imapfilter.Set
local Result = {}

---A mailbox of an account: account.INBOX, account['a/b'].
---mailbox[uid] is the message with that UID.
---@class imapfilter.Mailbox
---@field [integer] imapfilter.Message
local Mailbox = {}

---One message, as mailbox[uid].
---@class imapfilter.Message
local Message = {}

---An account made by IMAP{...}; it logs in on first use. Its fields are
---its mailboxes: account.INBOX, account['Lists/devel'].
---@class imapfilter.Account
---@field INBOX imapfilter.Mailbox
---@field [string] imapfilter.Mailbox
local Account = {}

---The settings of an account.
---@class imapfilter.AccountArgs
---@field server string host name
---@field username? string (required unless oauth2 is given)
---@field password? string asked for on the terminal when missing
---@field oauth2? string an OAuth2 access token (XOAUTH2)
---@field port? integer default 143, or 993 with ssl
---@field ssl? string implicit TLS: "tls1.2", "auto", ... (any value turns it on)

---Makes an account (imapfilter's IMAP{...}).
---@param args imapfilter.AccountArgs
---@return imapfilter.Account
function IMAP(args) end
---The same as IMAP.
---@param args imapfilter.AccountArgs
---@return imapfilter.Account
function imap(args) end

---imapfilter's options; setting one it does not know logs a warning.
---@class imapfilter.Options
---@field cache boolean keep what was fetched of a message for the run (default true)
---@field certificates boolean imapfilter's certificate store (default true; accepted, mailscript verifies against the system roots and -t)
---@field charset string CHARSET of searches ("" for none)
---@field close boolean CLOSE the mailbox after each request on it (default false)
---@field create boolean create a destination mailbox that is missing (default false; TRYCREATE creates it anyway)
---@field expunge boolean expunge the messages deleted or moved (default true)
---@field hostnames boolean check the server's host name in its certificate (default true)
---@field info boolean print a line for each action (default true)
---@field keepalive number minutes between IDLE renewals (default 29)
---@field limit number at most this many UIDs in one search's UID set (0: no limit)
---@field namespace boolean apply the server's namespace to folder names (default true)
---@field range number at most this many UIDs in one range of a UID set
---@field starttls boolean use STARTTLS where offered (default true)
---@field subscribe boolean subscribe created mailboxes (default false)
---@field timeout number seconds to wait for the server (default 60)
---@field wakeonany boolean enter_idle returns on any event, not only new mail (default false)
---@field dryrun boolean true under -n (read only)
---@field decode_headers boolean mailscript's own: match_* match RFC 2047-decoded headers (default false)
---@field crammd5 any an option of older versions, accepted and ignored
---@field persist any an option of older versions, accepted and ignored
---@field recover any an option of older versions, accepted and ignored
---@field reenter any an option of older versions, accepted and ignored
options = {}


---Logs in now (it happens on first use anyway).
---@return boolean
function Account:login() end
---Logs out; the next request logs in again.
---@return boolean
function Account:logout() end
---Lists mailboxes (LIST folder .. mbox, default "%"): the selectable ones, and the folders.
---@param folder? string
---@param mbox? string pattern
---@return string[]|false mailboxes
---@return string[] folders
function Account:list_all(folder, mbox) end
---Lists subscribed mailboxes (LSUB folder .. mbox, default "*"): the selectable ones, and the folders.
---@param folder? string
---@param mbox? string pattern
---@return string[]|false mailboxes
---@return string[] folders
function Account:list_subscribed(folder, mbox) end
---Creates a mailbox.
---@param name string
---@return boolean
function Account:create_mailbox(name) end
---Deletes a mailbox.
---@param name string
---@return boolean
function Account:delete_mailbox(name) end
---Subscribes a mailbox.
---@param name string
---@return boolean
function Account:subscribe_mailbox(name) end
---Unsubscribes a mailbox.
---@param name string
---@return boolean
function Account:unsubscribe_mailbox(name) end
---Renames a mailbox.
---@param oldname string
---@param newname string
---@return boolean
function Account:rename_mailbox(oldname, newname) end

---Runs a raw IMAP SEARCH (criteria as a string, or a table: strings ANDed, inner tables ORed).
---@param criteria? string|table
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:send_query(criteria, messages) end
---All messages.
---@return imapfilter.Set
function Mailbox:select_all() end
---Messages flagged \Answered.
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:is_answered(messages) end
---Messages flagged \Deleted.
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:is_deleted(messages) end
---Messages flagged \Draft.
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:is_draft(messages) end
---Messages flagged \Flagged.
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:is_flagged(messages) end
---Messages \Recent and not \Seen.
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:is_new(messages) end
---Messages not \Recent.
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:is_old(messages) end
---Messages flagged \Recent.
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:is_recent(messages) end
---Messages flagged \Seen.
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:is_seen(messages) end
---Messages not \Answered.
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:is_unanswered(messages) end
---Messages not \Deleted.
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:is_undeleted(messages) end
---Messages not \Draft.
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:is_undraft(messages) end
---Messages not \Flagged.
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:is_unflagged(messages) end
---Messages not \Seen.
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:is_unseen(messages) end
---Messages with the keyword (flag).
---@param flag string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:has_keyword(flag, messages) end
---The same as has_keyword.
---@param flag string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:has_flag(flag, messages) end
---Messages without the keyword.
---@param flag string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:has_unkeyword(flag, messages) end
---Messages larger than size octets.
---@param size integer
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:is_larger(size, messages) end
---Messages smaller than size octets.
---@param size integer
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:is_smaller(size, messages) end
---Messages that arrived on date ("dd-Mon-yyyy", see form_date).
---@param date string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:arrived_on(date, messages) end
---Messages that arrived before date.
---@param date string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:arrived_before(date, messages) end
---Messages that arrived on or after date.
---@param date string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:arrived_since(date, messages) end
---Messages whose Date header is date.
---@param date string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:sent_on(date, messages) end
---Messages whose Date header is before date.
---@param date string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:sent_before(date, messages) end
---Messages whose Date header is date or later.
---@param date string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:sent_since(date, messages) end
---Messages that arrived less than days ago.
---@param days number
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:is_newer(days, messages) end
---Messages that arrived more than days ago.
---@param days number
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:is_older(days, messages) end
---Messages whose From contains text (server-side search).
---@param text string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:contain_from(text, messages) end
---Messages whose To contains text.
---@param text string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:contain_to(text, messages) end
---Messages whose Cc contains text.
---@param text string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:contain_cc(text, messages) end
---Messages whose Bcc contains text.
---@param text string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:contain_bcc(text, messages) end
---Messages whose Subject contains text.
---@param text string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:contain_subject(text, messages) end
---Messages whose header contains text.
---@param text string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:contain_header(text, messages) end
---Messages whose body contains text.
---@param text string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:contain_body(text, messages) end
---Messages that contain text anywhere.
---@param text string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:contain_message(text, messages) end
---Messages whose raw From matches the PCRE pattern (client-side).
---@param pattern string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:match_from(pattern, messages) end
---Messages whose raw To matches the pattern.
---@param pattern string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:match_to(pattern, messages) end
---Messages whose raw Cc matches the pattern.
---@param pattern string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:match_cc(pattern, messages) end
---Messages whose raw Bcc matches the pattern.
---@param pattern string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:match_bcc(pattern, messages) end
---Messages whose raw Subject matches the pattern.
---@param pattern string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:match_subject(pattern, messages) end
---Messages whose whole raw header matches the pattern.
---@param pattern string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:match_header(pattern, messages) end
---Messages whose body matches the pattern.
---@param pattern string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:match_body(pattern, messages) end
---Messages whose whole text matches the pattern.
---@param pattern string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:match_message(pattern, messages) end
---Messages whose header field contains text (server-side).
---@param field string
---@param text string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:contain_field(field, text, messages) end
---Messages whose raw header field matches the PCRE pattern.
---@param field string
---@param pattern string
---@param messages? imapfilter.Set search only among these (meta-searching)
---@return imapfilter.Set
function Mailbox:match_field(field, pattern, messages) end
---Adds \Answered.
---@param messages imapfilter.Set
---@return boolean
function Mailbox:mark_answered(messages) end
---Adds \Deleted.
---@param messages imapfilter.Set
---@return boolean
function Mailbox:mark_deleted(messages) end
---Adds \Draft.
---@param messages imapfilter.Set
---@return boolean
function Mailbox:mark_draft(messages) end
---Adds \Flagged.
---@param messages imapfilter.Set
---@return boolean
function Mailbox:mark_flagged(messages) end
---Adds \Seen.
---@param messages imapfilter.Set
---@return boolean
function Mailbox:mark_seen(messages) end
---Removes \Answered.
---@param messages imapfilter.Set
---@return boolean
function Mailbox:unmark_answered(messages) end
---Removes \Deleted.
---@param messages imapfilter.Set
---@return boolean
function Mailbox:unmark_deleted(messages) end
---Removes \Draft.
---@param messages imapfilter.Set
---@return boolean
function Mailbox:unmark_draft(messages) end
---Removes \Flagged.
---@param messages imapfilter.Set
---@return boolean
function Mailbox:unmark_flagged(messages) end
---Removes \Seen.
---@param messages imapfilter.Set
---@return boolean
function Mailbox:unmark_seen(messages) end
---Deletes the messages (\Deleted, then an expunge of exactly them with options.expunge).
---@param messages imapfilter.Set
---@return boolean
function Mailbox:delete_messages(messages) end
---Adds the flags.
---@param flags string[]
---@param messages imapfilter.Set
---@return boolean
function Mailbox:add_flags(flags, messages) end
---Removes the flags.
---@param flags string[]
---@param messages imapfilter.Set
---@return boolean
function Mailbox:remove_flags(flags, messages) end
---Sets exactly these flags.
---@param flags string[]
---@param messages imapfilter.Set
---@return boolean
function Mailbox:replace_flags(flags, messages) end
---Copies the messages to dest (of any account).
---@param dest imapfilter.Mailbox
---@param messages imapfilter.Set
---@return boolean
function Mailbox:copy_messages(dest, messages) end
---Moves the messages to dest (of any account): a copy, then \Deleted and an expunge of exactly them.
---@param dest imapfilter.Mailbox
---@param messages imapfilter.Set
---@return boolean
function Mailbox:move_messages(dest, messages) end

---Runs a raw IMAP SEARCH within the messages of the result.
---@param criteria? string|table
---@return imapfilter.Set
function Result:send_query(criteria) end
---All messages.
---@return imapfilter.Set
function Result:select_all() end
---Messages flagged \Answered.
---@return imapfilter.Set
function Result:is_answered() end
---Messages flagged \Deleted.
---@return imapfilter.Set
function Result:is_deleted() end
---Messages flagged \Draft.
---@return imapfilter.Set
function Result:is_draft() end
---Messages flagged \Flagged.
---@return imapfilter.Set
function Result:is_flagged() end
---Messages \Recent and not \Seen.
---@return imapfilter.Set
function Result:is_new() end
---Messages not \Recent.
---@return imapfilter.Set
function Result:is_old() end
---Messages flagged \Recent.
---@return imapfilter.Set
function Result:is_recent() end
---Messages flagged \Seen.
---@return imapfilter.Set
function Result:is_seen() end
---Messages not \Answered.
---@return imapfilter.Set
function Result:is_unanswered() end
---Messages not \Deleted.
---@return imapfilter.Set
function Result:is_undeleted() end
---Messages not \Draft.
---@return imapfilter.Set
function Result:is_undraft() end
---Messages not \Flagged.
---@return imapfilter.Set
function Result:is_unflagged() end
---Messages not \Seen.
---@return imapfilter.Set
function Result:is_unseen() end
---Messages with the keyword (flag).
---@param flag string
---@return imapfilter.Set
function Result:has_keyword(flag) end
---The same as has_keyword.
---@param flag string
---@return imapfilter.Set
function Result:has_flag(flag) end
---Messages without the keyword.
---@param flag string
---@return imapfilter.Set
function Result:has_unkeyword(flag) end
---Messages larger than size octets.
---@param size integer
---@return imapfilter.Set
function Result:is_larger(size) end
---Messages smaller than size octets.
---@param size integer
---@return imapfilter.Set
function Result:is_smaller(size) end
---Messages that arrived on date ("dd-Mon-yyyy", see form_date).
---@param date string
---@return imapfilter.Set
function Result:arrived_on(date) end
---Messages that arrived before date.
---@param date string
---@return imapfilter.Set
function Result:arrived_before(date) end
---Messages that arrived on or after date.
---@param date string
---@return imapfilter.Set
function Result:arrived_since(date) end
---Messages whose Date header is date.
---@param date string
---@return imapfilter.Set
function Result:sent_on(date) end
---Messages whose Date header is before date.
---@param date string
---@return imapfilter.Set
function Result:sent_before(date) end
---Messages whose Date header is date or later.
---@param date string
---@return imapfilter.Set
function Result:sent_since(date) end
---Messages that arrived less than days ago.
---@param days number
---@return imapfilter.Set
function Result:is_newer(days) end
---Messages that arrived more than days ago.
---@param days number
---@return imapfilter.Set
function Result:is_older(days) end
---Messages whose From contains text (server-side search).
---@param text string
---@return imapfilter.Set
function Result:contain_from(text) end
---Messages whose To contains text.
---@param text string
---@return imapfilter.Set
function Result:contain_to(text) end
---Messages whose Cc contains text.
---@param text string
---@return imapfilter.Set
function Result:contain_cc(text) end
---Messages whose Bcc contains text.
---@param text string
---@return imapfilter.Set
function Result:contain_bcc(text) end
---Messages whose Subject contains text.
---@param text string
---@return imapfilter.Set
function Result:contain_subject(text) end
---Messages whose header contains text.
---@param text string
---@return imapfilter.Set
function Result:contain_header(text) end
---Messages whose body contains text.
---@param text string
---@return imapfilter.Set
function Result:contain_body(text) end
---Messages that contain text anywhere.
---@param text string
---@return imapfilter.Set
function Result:contain_message(text) end
---Messages whose raw From matches the PCRE pattern (client-side).
---@param pattern string
---@return imapfilter.Set
function Result:match_from(pattern) end
---Messages whose raw To matches the pattern.
---@param pattern string
---@return imapfilter.Set
function Result:match_to(pattern) end
---Messages whose raw Cc matches the pattern.
---@param pattern string
---@return imapfilter.Set
function Result:match_cc(pattern) end
---Messages whose raw Bcc matches the pattern.
---@param pattern string
---@return imapfilter.Set
function Result:match_bcc(pattern) end
---Messages whose raw Subject matches the pattern.
---@param pattern string
---@return imapfilter.Set
function Result:match_subject(pattern) end
---Messages whose whole raw header matches the pattern.
---@param pattern string
---@return imapfilter.Set
function Result:match_header(pattern) end
---Messages whose body matches the pattern.
---@param pattern string
---@return imapfilter.Set
function Result:match_body(pattern) end
---Messages whose whole text matches the pattern.
---@param pattern string
---@return imapfilter.Set
function Result:match_message(pattern) end
---Messages whose header field contains text (server-side).
---@param field string
---@param text string
---@return imapfilter.Set
function Result:contain_field(field, text) end
---Messages whose raw header field matches the PCRE pattern.
---@param field string
---@param pattern string
---@return imapfilter.Set
function Result:match_field(field, pattern) end
---Adds \Answered.
---@return boolean
function Result:mark_answered() end
---Adds \Deleted.
---@return boolean
function Result:mark_deleted() end
---Adds \Draft.
---@return boolean
function Result:mark_draft() end
---Adds \Flagged.
---@return boolean
function Result:mark_flagged() end
---Adds \Seen.
---@return boolean
function Result:mark_seen() end
---Removes \Answered.
---@return boolean
function Result:unmark_answered() end
---Removes \Deleted.
---@return boolean
function Result:unmark_deleted() end
---Removes \Draft.
---@return boolean
function Result:unmark_draft() end
---Removes \Flagged.
---@return boolean
function Result:unmark_flagged() end
---Removes \Seen.
---@return boolean
function Result:unmark_seen() end
---Deletes the messages (\Deleted, then an expunge of exactly them with options.expunge).
---@return boolean
function Result:delete_messages() end
---Adds the flags.
---@param flags string[]
---@return boolean
function Result:add_flags(flags) end
---Removes the flags.
---@param flags string[]
---@return boolean
function Result:remove_flags(flags) end
---Sets exactly these flags.
---@param flags string[]
---@return boolean
function Result:replace_flags(flags) end
---Copies the messages to dest (of any account).
---@param dest imapfilter.Mailbox
---@return boolean
function Result:copy_messages(dest) end
---Moves the messages to dest (of any account): a copy, then \Deleted and an expunge of exactly them.
---@param dest imapfilter.Mailbox
---@return boolean
function Result:move_messages(dest) end

---Fetches the flags of the messages, by UID.
---@param messages imapfilter.Set
---@return table<integer, string[]>?
function Mailbox:fetch_flags(messages) end
---Fetches the internal dates ("dd-Mon-yyyy hh:mm:ss +zzzz") of the messages, by UID.
---@param messages imapfilter.Set
---@return table<integer, string>?
function Mailbox:fetch_date(messages) end
---Fetches the sizes of the messages, by UID.
---@param messages imapfilter.Set
---@return table<integer, integer>?
function Mailbox:fetch_size(messages) end
---Fetches the headers of the messages, by UID.
---@param messages imapfilter.Set
---@return table<integer, string>?
function Mailbox:fetch_header(messages) end
---Fetches the bodies of the messages, by UID.
---@param messages imapfilter.Set
---@return table<integer, string>?
function Mailbox:fetch_body(messages) end
---Fetches the whole messages of the messages, by UID.
---@param messages imapfilter.Set
---@return table<integer, string>?
function Mailbox:fetch_message(messages) end
---Fetches the MIME structures ({[part] = {type=, size=, name=}}) of the messages, by UID.
---@param messages imapfilter.Set
---@return table<integer, table>?
function Mailbox:fetch_structure(messages) end
---Fetches header fields ("Name: value" lines) of the messages, by UID.
---@param fields string[]
---@param messages imapfilter.Set
---@return table<integer, string>?
function Mailbox:fetch_fields(fields, messages) end
---Fetches MIME parts ("1", "1.2") of the message with UID uid, by part.
---@param parts string[]
---@param uid integer
---@return table<string, string>?
function Mailbox:fetch_parts(parts, uid) end
---Appends a message.
---@param message string
---@param flags? string|string[]
---@param date? string "dd-Mon-yyyy hh:mm:ss +zzzz"
---@return boolean
function Mailbox:append_message(message, flags, date) end
---STATUS of the mailbox.
---@return integer exists
---@return integer recent
---@return integer unseen
---@return integer uidnext
function Mailbox:check_status() end
---Waits in IDLE until new mail arrives (any event with options.wakeonany); false where the server cannot.
---@return boolean
---@return string? event
function Mailbox:enter_idle() end
---Selects the mailbox.
---@return boolean
function Mailbox:open() end
---Closes the mailbox (CLOSE).
---@return boolean
function Mailbox:close() end

---Fetches the message's MIME structure.
---@return table?
function Message:fetch_structure() end
---Fetches the message's header.
---@return string?
function Message:fetch_header() end
---Fetches the message's body.
---@return string?
function Message:fetch_body() end
---Fetches the message's whole message.
---@return string?
function Message:fetch_message() end
---Fetches the message's size.
---@return integer?
function Message:fetch_size() end
---Fetches the message's internal date.
---@return string?
function Message:fetch_date() end
---Fetches the message's flags.
---@return string[]?
function Message:fetch_flags() end
---Fetches one header field ("Name: value").
---@param field string
---@return string?
function Message:fetch_field(field) end
---Fetches header fields, one "Name: value" line each.
---@param fields string[]
---@return string?
function Message:fetch_fields(fields) end
---Fetches a MIME part ("1", "1.2").
---@param part string
---@return string?
function Message:fetch_part(part) end

---Makes a result from an array of {mailbox, uid} pairs (Set{} is empty).
---@param values? table
---@return imapfilter.Set
function Set(values) end

---Today minus days, as IMAP dates are written ("05-Dec-2026").
---@param days number
---@return string
function form_date(days) end

---Reads a password from the terminal without echo.
---@param prompt? string
---@return string
function get_pass(prompt) end
---The same as get_pass.
---@param prompt? string
---@return string
function get_password(prompt) end

---Runs command (needs --allow-run) with data on its standard input.
---@param command string
---@param data string
---@return integer status its exit status
function pipe_to(command, data) end

---Runs command (needs --allow-run) and reads its standard output.
---@param command string
---@return integer status its exit status
---@return string output
function pipe_from(command) end

---Matches a PCRE-style pattern (compiled by RE2; lookaround and
---backreferences are refused) against subject, byte-wise.
---@param pattern string
---@param subject string
---@return boolean matched
---@return string ... the matched text, then the captures
function regex_search(pattern, subject) end

---Waits seconds (interrupted by the run's end).
---@param seconds number
function sleep(seconds) end

---Calls commands until it succeeds, waiting 2, 4, 8... seconds (at most
---60) between attempts; gives up after retries failures. Returns what
---pcall returned.
---@param commands fun(): any
---@param retries? integer
---@return boolean ok
---@return any ...
function recover(commands, retries) end

---Runs commands now and then every interval seconds, as a schedule of
---the engine: the process stays in the foreground and stops on SIGTERM.
---@param interval number
---@param commands fun()
---@param nochdir? boolean ignored
---@param noclose? boolean ignored
function become_daemon(interval, commands, nochdir, noclose) end
