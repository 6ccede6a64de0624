-- Canonical printer of the conformance suite (Lua side): the same text as
-- canon.py for equal data. Lua strings print as Python bytes; canon.str(s)
-- marks a string that Python holds as str. Tables that imaplib marks as
-- tuples print as Python tuples, other arrays as lists.
local imaplib = require("imaplib")

local canon = {}

local function env(name, default)
  local v = os.getenv(name)
  if v == nil or v == "" then return default end
  return v
end

canon.HOST = env("IMAP_HOST", "localhost")
canon.PORT = tonumber(env("IMAP_PORT", "143"))
canon.SSL_PORT = tonumber(env("IMAP_SSL_PORT", "993"))
canon.USER = env("IMAP_USER", "")
canon.PASSWORD = env("IMAP_PASSWORD", "")
canon.CAFILE = env("IMAP_CAFILE", "")
canon.STREAM = env("IMAP_STREAM", "")
canon.KICK = env("IMAP_KICK", "")
canon.USER2 = env("IMAP_USER2", "")
canon.PASSWORD2 = env("IMAP_PASSWORD2", "")

local strmark = {}

function canon.str(s)
  return setmetatable({s = s}, strmark)
end

local function bytes(b)
  local q = "'"
  if b:find("'", 1, true) and not b:find('"', 1, true) then q = '"' end
  local out = {"b", q}
  for i = 1, #b do
    local c = b:byte(i)
    local ch = string.char(c)
    if ch == "\\" or ch == q then
      out[#out + 1] = "\\" .. ch
    elseif ch == "\t" then
      out[#out + 1] = "\\t"
    elseif ch == "\n" then
      out[#out + 1] = "\\n"
    elseif ch == "\r" then
      out[#out + 1] = "\\r"
    elseif c < 32 or c >= 127 then
      out[#out + 1] = string.format("\\x%02x", c)
    else
      out[#out + 1] = ch
    end
  end
  out[#out + 1] = q
  return table.concat(out)
end

-- imaplib marks the tables that stand for Python tuples.
local function istuple(t)
  local mt = getmetatable(t)
  return type(mt) == "table" and mt.__name == "imaplib.tuple"
end

local fmt
function fmt(v)
  local tv = type(v)
  if v == nil or v == imaplib.None then return "None" end
  if tv == "string" then return bytes(v) end
  if tv == "boolean" then return v and "True" or "False" end
  if tv == "number" then
    if v == math.floor(v) then return string.format("%d", v) end
    return tostring(v)
  end
  if tv == "table" then
    if getmetatable(v) == strmark then return bytes(v.s):sub(2) end
    local parts = {}
    for i = 1, #v do parts[i] = fmt(v[i]) end
    if istuple(v) then return "(" .. table.concat(parts, ", ") .. ")" end
    if #v == 0 and next(v) ~= nil then
      local keys = {}
      for k in pairs(v) do keys[#keys + 1] = k end
      table.sort(keys)
      for i, k in ipairs(keys) do parts[i] = bytes(k):sub(2) .. ": " .. fmt(v[k]) end
      return "{" .. table.concat(parts, ", ") .. "}"
    end
    return "[" .. table.concat(parts, ", ") .. "]"
  end
  error("canon: cannot print a " .. tv)
end
canon.fmt = fmt

local function out(label, s)
  io.write(label, ": ", s, "\n")
end

function canon.res(label, typ, data)
  out(label, fmt(canon.str(typ)) .. " " .. fmt(data))
end

function canon.val(label, v)
  out(label, fmt(v))
end

function canon.text(label, s)
  out(label, tostring(s))
end

function canon.words(label, seq)
  out(label, table.concat(seq, " "))
end

function canon.ttuple(label, t)
  if t == nil then out(label, "None") return end
  -- os.date("*t") counts weekdays from Sunday = 1, Python from Monday = 0.
  out(label, string.format("%04d-%02d-%02d %02d:%02d:%02d wday=%d yday=%d dst=%d",
    t.year, t.month, t.day, t.hour, t.min, t.sec, (t.wday + 5) % 7, t.yday, t.isdst and 1 or 0))
end

function canon.exc(label, e)
  if type(e) == "table" and e.class then
    out(label, e.class.name .. ": " .. e.message)
  else
    out(label, "LuaError: " .. tostring(e))
  end
end

return canon
