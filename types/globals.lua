---@meta
-- What mailscript's engine gives every script besides the modules.

---The script's arguments: arg[0] is the script, arg[1]... what follows it
---on the command line (also the chunk's "...").
---@type string[]
arg = {}

---Ends the run (never the program) with a status: 0 or true is success.
---@param code? integer|boolean
function os.exit(code) end

---Changes the run's own view of the environment (not the process's).
---@param name string
---@param value? string nil unsets
function os.setenv(name, value) end
