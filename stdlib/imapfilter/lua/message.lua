-- imapfilter compatibility: messages, as mailbox[uid].
local IF = ...

Message = {}

function IF.Message(account, mailbox, uid)
    local object = {
        _type = 'message',
        _account = account,
        _mailbox = mailbox,
        _uid = uid,
        _string = mailbox._string .. '[' .. uid .. ']',
        _fields = {},
        _parts = {},
    }
    IF.methods(Message, object)
    return object
end
setmetatable(Message, { __call = function(_, a, m, u) return IF.Message(a, m, u) end })

local simple = {
    fetch_structure = { '_fetch_structure', 'Fetched the structure of %s.' },
    fetch_header = { '_fetch_header', 'Fetched the header of %s.' },
    fetch_body = { '_fetch_body', 'Fetched the body of %s.' },
    fetch_message = { '_fetch_message', 'Fetched message %s.' },
    fetch_size = { '_fetch_size', 'Fetched the size of %s.' },
    fetch_date = { '_fetch_date', 'Fetched the date of %s.' },
    fetch_flags = { '_fetch_flags', 'Fetched the flags of %s.' },
}
for name, s in pairs(simple) do
    Message[name] = function(self)
        local r = self._mailbox[s[1]](self._mailbox, { self._uid }, true)
        if not r or not r[1] then return end
        IF.info(s[2], self._string)
        return r[1]
    end
end

function Message.fetch_field(self, field)
    local r = self._mailbox._fetch_fields(self._mailbox, { field }, { self._uid }, true)
    if not r or not r[1] then return end
    IF.info('Fetched field "%s" of %s.', field, self._string)
    return r[1]
end

function Message.fetch_fields(self, fields)
    local r = self._mailbox._fetch_fields(self._mailbox, fields, { self._uid }, true)
    if not r or not r[1] then return end
    IF.info('Fetched some of the fields of %s.', self._string)
    return r[1]
end

function Message.fetch_part(self, part)
    local r = self._mailbox._fetch_parts(self._mailbox, { part }, self._uid)
    if not r or not r[part] then return end
    IF.info('Fetched part "%s" of %s.', part, self._string)
    return r[part]
end
