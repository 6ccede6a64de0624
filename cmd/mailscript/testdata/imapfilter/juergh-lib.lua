-- A library of local helper functions put before rules that a script
-- writes: a password from a command by pipe_from; a move that skips an
-- empty result (result[1] == nil) and first makes a missing destination,
-- found by check_status returning -1, through the mailbox object's fields
-- _account and _mailbox; a recursive walk of list_all over folders with a
-- list of names to skip; an archive of every mailbox by is_older into
-- "__Archive/<name>"; and whole threads gathered from one message by
-- following Message-Id and In-Reply-To (mailbox[uid]:fetch_field, match,
-- gmatch, contain_field, a table keyed by the mailbox's _string and the
-- UID, made a Set and marked seen).
-- Modelled on juergh/tools, config/imapfilter/lib.lua and
-- gmail-filter-mail (c22348e), with the "threads" mailbox of the test
-- corpus.

-------------------------------------------------------------------------------
-- Whether list holds value.

local function contains(list, value)
   for _, v in ipairs(list) do
      if v == value then
         return true
      end
   end
   return false
end

-------------------------------------------------------------------------------
-- A secret from the password store.

local function secret(name)
   local _, out = pipe_from('pass show ' .. name)
   return out
end

-------------------------------------------------------------------------------
-- Move messages to mailbox, making it first when it is missing.

local function move_to(messages, mailbox)
   if messages[1] == nil then
      print('-- Nothing to move')
      return
   end

   local exists = mailbox:check_status()
   if exists == -1 then
      print('-- Making mailbox ' .. mailbox._mailbox)
      mailbox._account:create_mailbox(mailbox._mailbox)
   end

   print('-- Moving to ' .. mailbox._mailbox)
   messages:move_messages(mailbox)
end

-------------------------------------------------------------------------------
-- The mailboxes in and under folder, but those named in skip.

local function all_mailboxes(account, folder, skip, found)
   found = found or {}

   local boxes, folders = account:list_all(folder)
   for _, name in ipairs(boxes) do
      if contains(skip, name) then
         print('-- Leaving mailbox ' .. name .. ' alone')
      else
         table.insert(found, name)
      end
   end
   for _, sub in ipairs(folders) do
      if contains(skip, sub) then
         print('-- Leaving folder ' .. sub .. ' alone')
      else
         all_mailboxes(account, sub, skip, found)
      end
   end

   return found
end

-------------------------------------------------------------------------------
-- Archive what is older than age days, mailbox by mailbox.

local function archive(account, age)
   local skip = { 'Drafts', 'Trash', '__Archive', 'headers', 'dates' }

   for _, name in ipairs(all_mailboxes(account, '', skip)) do
      print('-- Archiving ' .. name)
      move_to(account[name]:is_older(age), account['__Archive/' .. name])
   end
end

-------------------------------------------------------------------------------
-- The messages of message's thread, as a table keyed by mailbox and UID
-- (a lookup is cheaper there than in a Set).

local function walk_thread(message, found)
   found = found or {}

   local mbox, uid = table.unpack(message)
   local key = mbox._string .. ':' .. tostring(uid)
   if found[key] then
      return found
   end
   found[key] = message

   print('++ ' .. mbox[uid]:fetch_field('Subject'))

   -- replies to it
   local id = mbox[uid]:fetch_field('Message-Id'):match('<.+>')
   for _, m in ipairs(mbox:contain_field('In-Reply-To', id)) do
      found = walk_thread(m, found)
   end

   -- what it replies to
   for parent in mbox[uid]:fetch_field('In-Reply-To'):gmatch('<[^>]+>') do
      for _, m in ipairs(mbox:contain_field('Message-Id', parent)) do
         found = walk_thread(m, found)
      end
   end

   return found
end

-------------------------------------------------------------------------------
-- The messages of message's thread, as a Set.

local function thread_of(message)
   local list = {}
   for _, m in pairs(walk_thread(message)) do
      table.insert(list, m)
   end
   return Set(list)
end

options.timeout = 120
options.subscribe = true
options.create = true
options.info = false

account = IMAP {
   server = 'imap.example.com',
   username = 'someone@example.com',
   password = secret('example.com/someone'),
   ssl = 'tls1.2',
}

-- The rules the script writes after the library.

print('')
print("-- Move mail: contain_subject(' uploaded (ABI bump)')")
messages = account['threads']:contain_subject(' uploaded (ABI bump)')
move_to(messages, account['threads/00-noise'])

print('')
print("-- Move mail: contain_subject('[PATCH] unrelated')")
messages = account['threads']:contain_subject('[PATCH] unrelated')
move_to(messages, account['threads/patches'])

print('')
print("-- Move mail: contain_subject('no such subject')")
messages = account['threads']:contain_subject('no such subject')
move_to(messages, account['threads/never'])

for _, word in ipairs({ 'APPLIED', 'NACK' }) do
   print('')
   print("-- Mark thread: contain_subject('" .. word .. "')")
   messages = account['threads']:is_unseen() * account['threads']:contain_subject(word)
   for _, message in ipairs(messages) do
      thread = thread_of(message)
      thread:mark_seen()
   end
end

print('')
archive(account, 30)
print('')
