---@meta engine
-- The "engine" module every run gets: triggers that keep a rule alive
-- after its first run. Callbacks run one at a time.

---@class engine
local engine = {}

---Runs fn every interval ("10m", "1h", or seconds), the first time one
---interval after the rule starts.
---@param interval string|number
---@param fn fun()
function engine.every(interval, fn) end

---Runs fn(path) when the file at path changes (reading it needs
-----allow-read for that path).
---@param path string
---@param fn fun(path: string)
function engine.on_file(path, fn) end

return engine
