---@meta state
-- mailscript's "state" module: values a rule keeps across its runs and
-- across restarts of mailscript, in the state folder (--state-dir),
-- written atomically.

---@class state
local state = {}

---The value stored under key, or nil.
---@param key string
---@return string|number|boolean|table|nil
function state.get(key) end

---Stores value under key (strings, numbers, booleans and tables of them);
---nil deletes the key.
---@param key string
---@param value string|number|boolean|table|nil
function state.set(key, value) end

return state
