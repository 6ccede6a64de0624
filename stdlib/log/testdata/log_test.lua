-- Lua tests of the log module; log_test.go checks what reached the logger
-- through the last_records() helper it installs.
local log = require("log")

function TestLevelsAndFields(t)
  log.debug("dbg")
  log.info("moved", {count = 3, to = "Archive", dry = false})
  log.warning("quota at %d%%", 91)
  log.warn("also warning")
  log.error("failed %s", "login", {user = "bob"})
  log.critical("stop")
  log.log("INFO", "via log", {nested = {a = 1}, list = {"x", "y"}, none = json_null})
  local r = last_records()
  t:eq(#r, 7)
  t:eq(r[1].level, "DEBUG")
  t:eq(r[2], {level = "INFO", msg = "moved", count = 3, to = "Archive", dry = false, source = "testdata/log_test.lua:7"})
  t:eq(r[3].msg, "quota at 91%")
  t:eq(r[3].level, "WARN")
  t:eq(r[4].level, "WARN")
  t:eq({r[5].level, r[5].msg, r[5].user}, {"ERROR", "failed login", "bob"})
  t:eq(r[6].level, "ERROR+4")
  t:eq(r[7].nested, {a = 1})
  t:eq(r[7].list, {"x", "y"})
  t:eq(r[7].none, nil)
end

function TestErrors(t)
  t:eq(pcall(log.log, "loud", "x"), false, "unknown level")
  t:eq(pcall(log.info), false, "message required")
  t:eq(pcall(log.info, {}), false, "the message must be a string")
end
