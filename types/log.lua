---@meta log
-- mailscript's "log" module: structured records into the run's logger.
-- Each function takes a message, optional string.format arguments and an
-- optional last table of fields.
local log = {}

---@param msg string
---@param ... any format arguments, then an optional table of fields
function log.debug(msg, ...) end
---@param msg string
---@param ... any
function log.info(msg, ...) end
---@param msg string
---@param ... any
function log.warning(msg, ...) end
---@param msg string
---@param ... any
function log.warn(msg, ...) end
---@param msg string
---@param ... any
function log.error(msg, ...) end
---@param msg string
---@param ... any
function log.critical(msg, ...) end
---@param level "debug"|"info"|"warning"|"error"|"critical"
---@param msg string
---@param ... any
function log.log(level, msg, ...) end

return log
