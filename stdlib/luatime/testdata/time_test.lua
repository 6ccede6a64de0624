-- Lua tests of the time module, run by luatime_test.go through luatest.
local time = require("time")

function TestNow(t)
  local a = time.now()
  t:eq(type(a), "number")
  t:eq(a > 1700000000, true, "after 2023")
  t:eq(math.abs(a - os.time()) < 5, true, "agrees with os.time")
end

function TestRFC5322(t)
  local cases = {
    {"Tue, 5 Mar 2024 10:00:00 +0100", 1709629200, 3600},
    {"5 Mar 2024 10:00 -0500", 1709650800, -18000},
    {"Tue, 05 Mar 2024 10:00:00 GMT", 1709632800, 0},
    {"Tue, 5 Mar 2024 10:00:00 -0000", 1709632800, nil},
  }
  for _, c in ipairs(cases) do
    t:eq({time.parse_rfc5322(c[1])}, {c[2], c[3]}, c[1])
  end
  local e, err = time.parse_rfc5322("yesterday")
  t:eq(e, nil)
  t:eq(err:find("^time: ") ~= nil, true, err)
  t:eq(time.format_rfc5322(1709629200, 3600), "Tue, 05 Mar 2024 10:00:00 +0100")
  t:eq(time.format_rfc5322(1709629200), "Tue, 05 Mar 2024 09:00:00 +0000")
  t:eq(time.format_rfc5322(1709629200, -34200), "Mon, 04 Mar 2024 23:30:00 -0930")
end

function TestIMAP(t)
  local cases = {
    {"05-Mar-2024 10:00:00 +0100", 1709629200, 3600},
    {'"05-Mar-2024 10:00:00 +0100"', 1709629200, 3600},
    {" 5-Mar-2024 10:00:00 -0000", 1709632800, 0},
    {"5-mar-2024", 1709596800, nil},
    {"29-Feb-2024", 1709164800, nil},
  }
  for _, c in ipairs(cases) do
    t:eq({time.parse_imap(c[1])}, {c[2], c[3]}, c[1])
  end
  for _, bad in ipairs({"30-Feb-2024", "5-Foo-2024", "2024-03-05", "05-Mar-2024 25:00:00 +0000"}) do
    local e, err = time.parse_imap(bad)
    t:eq(e, nil, bad)
    t:eq(type(err), "string")
  end
  t:eq(time.format_imap(1709629200, 3600), "05-Mar-2024 10:00:00 +0100")
  t:eq(time.format_imap(1709629200), "05-Mar-2024 09:00:00 +0000")
  t:eq(time.imap_date(1709629200, {utc = true}), "5-Mar-2024")
end

function TestDaysAgo(t)
  local from = 1709629200 -- Tue, 5 Mar 2024 09:00 UTC
  local cases = {
    {0, "5-Mar-2024"},
    {1, "4-Mar-2024"},
    {5, "29-Feb-2024"},
    {65, "31-Dec-2023"},
    {-1, "6-Mar-2024"},
  }
  for _, c in ipairs(cases) do
    t:eq(time.days_ago(c[1], {from = from, utc = true}), c[2], "days_ago " .. c[1])
  end
  t:eq(time.since(7, {from = from, utc = true}), "SINCE 27-Feb-2024")
  t:eq(time.before(30, {from = from, utc = true}), "BEFORE 4-Feb-2024")
  t:eq(time.days_ago(0):match("^%d%d?%-%a%a%a%-%d%d%d%d$") ~= nil, true, "today in local time")
end
