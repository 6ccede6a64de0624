---@meta json
-- mailscript's "json" module (lua-cjson's and Python's names).
---@class json
---@field null userdata JSON null, also imaplib.None
---@field array_mt table metatable marking a table as an array
local json = {}

---An error class: pcall, then cls:is(err). Both are ValueErrors.
---@class json.ErrorClass
---@field name string
---@field qualname string
local ErrorClass = {}
---@param err any the error value pcall returned
---@return boolean
function ErrorClass:is(err) end
---decode of a text that is not JSON
json.JSONDecodeError = ErrorClass
---encode of a value with no JSON form
json.EncodeError = ErrorClass

---@param value any
---@param opts? {indent?: integer|string, sort_keys?: boolean, ensure_ascii?: boolean, separators?: string[]}
---@return string
function json.encode(value, opts) end
---@param s string
---@return any
function json.decode(s) end
---Python's json.dumps form (", " and ": ", ASCII escapes).
---@param value any
---@param opts? {indent?: integer|string, sort_keys?: boolean, ensure_ascii?: boolean, separators?: string[]}
---@return string
function json.dumps(value, opts) end
---@param s string
---@return any
function json.loads(s) end

return json
