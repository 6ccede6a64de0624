-- Canonical printer of the smtplib conformance pairs (Lua side): the same
-- text as canon.py for equal data. Lua strings print as Python bytes;
-- canon.str(s) marks a string that Python holds as str; tables marked by
-- smtplib as tuples print as tuples, string-keyed tables as dicts.
local smtplib = require("smtplib")
local ssl = require("ssl")

local canon = {}

canon.HOST = os.getenv("SMTP_HOST")
canon.PORT = tonumber(os.getenv("SMTP_PORT"))
canon.SUBMISSION_PORT = tonumber(os.getenv("SMTP_SUBMISSION_PORT"))
canon.SMTPS_PORT = tonumber(os.getenv("SMTP_SMTPS_PORT"))
canon.LMTP_SOCKET = os.getenv("SMTP_LMTP_SOCKET")
canon.USER = os.getenv("SMTP_USER")
canon.PASSWORD = os.getenv("SMTP_PASSWORD")
canon.CAFILE = os.getenv("SMTP_CAFILE")
canon.DOMAIN = os.getenv("SMTP_DOMAIN")
canon.LOCAL = "client.example"

function canon.addr(user)
  return user .. "@" .. canon.DOMAIN
end

function canon.context()
  return ssl.create_default_context({cafile = canon.CAFILE})
end

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

local function istuple(t)
  local mt = getmetatable(t)
  return type(mt) == "table" and mt.__name == "smtplib.tuple"
end

local fmt
function fmt(v)
  local tv = type(v)
  if v == nil or v == smtplib.None then return "None" end
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
    if #v == 0 then return "{}" end
    return "[" .. table.concat(parts, ", ") .. "]"
  end
  error("canon: cannot print a " .. tv)
end
canon.fmt = fmt

local function out(label, s)
  io.write(label, ": ", s, "\n")
end

function canon.reply(label, code, msg)
  out(label, string.format("%d %s", code, fmt(msg)))
end

function canon.val(label, v)
  out(label, fmt(v))
end

function canon.text(label, s)
  out(label, tostring(s))
end

function canon.exc(label, e)
  if type(e) == "table" and e.class then
    out(label, e.class.name .. ": " .. e.message)
  else
    out(label, "LuaError: " .. tostring(e))
  end
end

return canon
