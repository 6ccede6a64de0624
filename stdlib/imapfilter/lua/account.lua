-- imapfilter compatibility: accounts.
-- IMAP{server=, username=, password=, oauth2=, port=, ssl=} makes an
-- account; it logs in on first use. account.INBOX and account['a/b'] are
-- its mailboxes.
local IF = ...

Account = {}
IMAP = Account
imap = Account

local undefined = 0

setmetatable(Account, {
    __call = function(_, arg)
        IF.check_required(arg, 'table')
        IF.check_required(arg.server, 'string')
        if not arg.oauth2 then
            IF.check_required(arg.username, 'string')
        else
            IF.check_optional(arg.username, 'string')
        end
        IF.check_optional(arg.password, 'string')
        IF.check_optional(arg.oauth2, 'string')
        IF.check_optional(arg.port, 'number')
        IF.check_optional(arg.ssl, 'string')
        IF.check_optional(arg.scan_connections, 'number')

        local object = {}
        object._type = 'account'
        local username = arg.username
        if username == nil then
            undefined = undefined + 1
            username = 'undefined' .. undefined
        end
        object._account = {
            server = arg.server,
            username = username,
            password = arg.password,
            oauth2 = arg.oauth2,
            port = tostring(arg.port or (arg.ssl and 993 or 143)),
            ssl = arg.ssl,
            scan_connections = arg.scan_connections,
            session = nil,
        }
        object._string = username .. '@' .. arg.server
        IF.methods(Account, object)
        setmetatable(object, {
            __index = function(self, mailbox)
                if type(mailbox) ~= 'string' then return nil end
                local m = IF.Mailbox(self, mailbox)
                rawset(self, mailbox, m)
                return m
            end,
        })
        return object
    end,
})

-- session returns the account's core session, logging in first.
function IF.session(account)
    if not account._account.session then
        account.login(account)
    end
    return account._account.session
end

function Account.login(self)
    local a = self._account
    if a.session then return true end
    if a.password == nil and a.oauth2 == nil then
        a.password = get_pass('Enter password for ' .. self._string .. ': ')
    end
    a.session = IF.core.login({
        server = a.server, port = a.port, ssl = a.ssl, username = a.username,
        password = a.password, oauth2 = a.oauth2,
        timeout = options.timeout, starttls = options.starttls,
        hostnames = options.hostnames, certificates = options.certificates,
        scan_connections = a.scan_connections,
    })
    return true
end

function Account.logout(self)
    local a = self._account
    if not a.session then return true end
    IF.core.logout(a.session)
    a.session = nil
    return true
end

local function folder_prefix(folder)
    if folder == nil then return '' end
    if options.namespace == true then
        if folder == '/' then folder = '' end
        if folder ~= '' then folder = folder .. '/' end
    end
    return folder
end

local function listing(request, default)
    return function(self, folder, mbox)
        IF.check_optional(folder, 'string')
        IF.check_optional(mbox, 'string')
        local f = folder_prefix(folder)
        local ok, boxes, folders = IF.core[request](IF.session(self), '', f .. (mbox or default))
        if not ok then return false end
        local fl = {}
        for _, s in ipairs(folders) do
            if s ~= f and s ~= f .. '/' then table.insert(fl, s) end
        end
        return boxes, fl
    end
end

Account.list_all = listing('list', '%')
Account.list_subscribed = listing('lsub', '*')

local function mailbox_op(request, verb)
    return function(self, name)
        IF.check_required(name, 'string')
        local s = IF.session(self)
        if request == 'delete' then IF.core.close(s) end
        local r = IF.core[request](s, name)
        if not r then return false end
        IF.info('%s mailbox %s/%s.', verb, self._string, name)
        return r
    end
end

Account.create_mailbox = mailbox_op('create', 'Created')
Account.delete_mailbox = mailbox_op('delete', 'Deleted')
Account.subscribe_mailbox = mailbox_op('subscribe', 'Subscribed')
Account.unsubscribe_mailbox = mailbox_op('unsubscribe', 'Unsubscribed')

function Account.rename_mailbox(self, oldname, newname)
    IF.check_required(oldname, 'string')
    IF.check_required(newname, 'string')
    local r = IF.core.rename(IF.session(self), oldname, newname)
    if not r then return false end
    IF.info('Renamed mailbox %s/%s to %s/%s.', self._string, oldname, self._string, newname)
    return r
end
