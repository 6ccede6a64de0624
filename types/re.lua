---@meta re
-- mailscript's "re" module: Python's re on Go's RE2.
---@class re
---@field I integer
---@field IGNORECASE integer
---@field M integer
---@field MULTILINE integer
---@field S integer
---@field DOTALL integer
---@field A integer
---@field ASCII integer
---@field U integer
---@field UNICODE integer
---@field NOFLAG integer
local re = {}

---An error class: pcall, then cls:is(err).
---@class re.ErrorClass
---@field name string
---@field qualname string
local ErrorClass = {}
---@param err any the error value pcall returned
---@return boolean
function ErrorClass:is(err) end
---a bad pattern or replacement template
re.error = ErrorClass

---@class re.Pattern
---@field pattern string
---@field flags integer
---@field groups integer
---@field groupindex table<string, integer>
local Pattern = {}

---@class re.Match
---@field string string
---@field re re.Pattern
---@field pos integer
---@field endpos integer
---@field lastindex integer?
---@field lastgroup string?
local Match = {}

---@param pattern string
---@param flags? integer
---@return re.Pattern
function re.compile(pattern, flags) end
---@param pattern string|re.Pattern
---@param s string
---@param flags? integer
---@return re.Match?
function re.search(pattern, s, flags) end
---@param pattern string|re.Pattern
---@param s string
---@param flags? integer
---@return re.Match?
function re.match(pattern, s, flags) end
---@param pattern string|re.Pattern
---@param s string
---@param flags? integer
---@return re.Match?
function re.fullmatch(pattern, s, flags) end
---@param pattern string|re.Pattern
---@param s string
---@param flags? integer
---@return any[]
function re.findall(pattern, s, flags) end
---@param pattern string|re.Pattern
---@param s string
---@param flags? integer
---@return fun(): re.Match?
function re.finditer(pattern, s, flags) end
---@param pattern string|re.Pattern
---@param repl string|fun(m: re.Match): string
---@param s string
---@param count? integer
---@param flags? integer
---@return string
function re.sub(pattern, repl, s, count, flags) end
---@param pattern string|re.Pattern
---@param repl string|fun(m: re.Match): string
---@param s string
---@param count? integer
---@param flags? integer
---@return string
---@return integer
function re.subn(pattern, repl, s, count, flags) end
---@param pattern string|re.Pattern
---@param s string
---@param maxsplit? integer
---@param flags? integer
---@return string[]
function re.split(pattern, s, maxsplit, flags) end
---@param s string
---@return string
function re.escape(s) end
function re.purge() end

---@param s string
---@param pos? integer
---@param endpos? integer
---@return re.Match?
function Pattern:search(s, pos, endpos) end
---@return re.Match?
function Pattern:match(s, pos, endpos) end
---@return re.Match?
function Pattern:fullmatch(s, pos, endpos) end
---@return any[]
function Pattern:findall(s, pos, endpos) end
---@return fun(): re.Match?
function Pattern:finditer(s, pos, endpos) end
---@return string
function Pattern:sub(repl, s, count) end
---@return string, integer
function Pattern:subn(repl, s, count) end
---@return string[]
function Pattern:split(s, maxsplit) end

---@param ... integer|string groups (0 = whole match)
---@return string?
function Match:group(...) end
---@return (string|userdata)[]
function Match:groups(default) end
---@return table<string, string>
function Match:groupdict(default) end
---@return integer, integer
function Match:span(group) end
---@return integer
function Match:start(group) end
---@return integer
function Match:end_(group) end
---@param template string
---@return string
function Match:expand(template) end

return re
