-- Lua tests of the json module, run by json_test.go through luatest.
local json = require("json")

function TestEncode(t)
  local cases = {
    {1, "1"},
    {-2.5, "-2.5"},
    {1e300, "1e+300"},
    {1234567.5, "1234567.5"},
    {0.1, "0.1"},
    {1e-7, "1e-07"},
    {2^60, "1.152921504606847e+18"},
    {"a\"b\\c\n\t", [["a\"b\\c\n\t"]]},
    {"é", "\"é\""},
    {true, "true"},
    {json.null, "null"},
    {{}, "{}"},
    {setmetatable({}, json.array_mt), "[]"},
    {{1, 2, 3}, "[1,2,3]"},
    {{1, json.null, 3}, "[1,null,3]"},
    {{[1] = "a", [3] = "c"}, '["a",null,"c"]'},
    {{b = 1, a = {x = true}}, '{"a":{"x":true},"b":1}'},
    {{[10] = "x"}, '{"10":"x"}'},
    {{[true] = 1}, '{"true":1}'},
    {{flags = {"\\Seen", "\\Answered"}, uid = 42}, '{"flags":["\\\\Seen","\\\\Answered"],"uid":42}'},
  }
  for i, c in ipairs(cases) do
    t:eq(json.encode(c[1]), c[2], "case " .. i)
  end
end

function TestDumpsLikePython(t)
  t:eq(json.dumps({a = {1, 2, json.null}, b = "é", c = {}}), '{"a": [1, 2, null], "b": "\\u00e9", "c": {}}')
  t:eq(json.dumps({a = {1, 2}, b = setmetatable({}, json.array_mt)}, {indent = 2}),
    '{\n  "a": [\n    1,\n    2\n  ],\n  "b": []\n}')
  t:eq(json.dumps("\240\159\152\128"), '"\\ud83d\\ude00"', "astral characters as surrogate pairs")
  t:eq(json.dumps("é", {ensure_ascii = false}), '"é"')
  t:eq(json.encode({a = 1, b = 2}, {separators = {", ", " = "}}), '{"a" = 1, "b" = 2}')
end

function TestEncodeErrors(t)
  local cyc = {}
  cyc.self = cyc
  local cases = {
    {cyc, "circular"},
    {{f = print}, "function"},
    {0 / 0, "NaN"},
    {{[{}] = 1}, "table key"},
  }
  for _, c in ipairs(cases) do
    local ok, err = pcall(json.encode, c[1])
    t:eq(ok, false, c[2])
    t:eq(tostring(err):find(c[2], 1, true) ~= nil, true, tostring(err))
  end
  local deep = {}
  local cur = deep
  for _ = 1, 1100 do cur[1] = {}; cur = cur[1] end
  t:eq(pcall(json.encode, deep), false, "too deep")
  local shared = {1}
  t:eq(json.encode({shared, shared}), "[[1],[1]]", "a table seen twice is not a cycle")
end

function TestDecode(t)
  local v = json.decode('{"a": [1, 2.5, null, "x"], "b": {"c": true}, "d": "\\u00e9\\ud83d\\ude00"}')
  t:eq(v.a[1], 1)
  t:eq(v.a[2], 2.5)
  t:eq(v.a[3], json.null)
  t:eq(#v.a, 4)
  t:eq(v.b.c, true)
  t:eq(v.d, "é\240\159\152\128")
  t:eq(getmetatable(v.a), json.array_mt)
  t:eq(json.encode(json.decode("[]")), "[]", "empty arrays round-trip")
  t:eq(json.encode(json.decode("{}")), "{}")
  t:eq(json.loads("null"), json.null)
  t:eq(json.decode(" 12 "), 12)
  local bad = {"", "{", "[1,]", "{'a':1}", "1 2", "[1] x", "nul", "NaN"}
  for _, s in ipairs(bad) do
    local ok, err = pcall(json.decode, s)
    t:eq(ok, false, "decode " .. s)
    t:eq(tostring(err):find("json: invalid JSON", 1, true) ~= nil, true, tostring(err))
  end
end

function TestRoundTrip(t)
  local values = {
    {uid = 7, subject = "Grüße", flags = {"\\Seen"}, size = 1024, seen = false, note = json.null},
    {1, {2, {3, {}}}, "x"},
  }
  for i, v in ipairs(values) do
    t:eq(json.decode(json.encode(v)), v, "round trip " .. i)
  end
end
