-- Lua tests of the re module, run by re_test.go through luatest.
local re = require("re")

function TestSearchMatchFullmatch(t)
  local cases = {
    -- fn, pattern, subject, flags, expected group 0 (nil: no match)
    {"search", "b+", "abbbc", nil, "bbb"},
    {"search", "^b", "ab", nil, nil},
    {"search", "^b", "a\nb", re.MULTILINE, "b"},
    {"search", "a.b", "a\nb", nil, nil},
    {"search", "a.b", "a\nb", re.DOTALL, "a\nb"},
    {"search", "HELLO", "say hello", re.IGNORECASE, "hello"},
    {"search", "x$", "x\ny", re.M, "x"},
    {"search", [[end\Z]], "the end", nil, "end"},
    {"search", "a{,2}", "aaa", nil, "aa"},
    {"match", "b", "ab", nil, nil},
    {"match", "a", "ab", nil, "a"},
    {"match", "b|ab", "ab", nil, "ab"},
    {"fullmatch", "a|ab", "ab", nil, "ab"},
    {"fullmatch", "a", "ab", nil, nil},
    {"search", "[]a]+", "x]a]", nil, "]a]"},
  }
  for _, c in ipairs(cases) do
    local m = re[c[1]](c[2], c[3], c[4])
    local got = m and m:group() or nil
    t:eq(got, c[5], c[1] .. " " .. c[2] .. " in " .. c[3])
  end
end

function TestMatchObject(t)
  local m = re.search([[(?P<k>\w+): (?P<v>.*)]], "Subject: hi")
  t:eq({m:span()}, {0, 11})
  t:eq({m:span("v")}, {9, 11})
  t:eq(m:start(2), 9)
  t:eq(m:end_(), 11)
  t:eq(m["end"](m, 1), 7)
  t:eq({m:group(1, "v")}, {"Subject", "hi"})
  t:eq(m[1], "Subject")
  t:eq(m:groups(), {"Subject", "hi"})
  t:eq(m:groupdict(), {k = "Subject", v = "hi"})
  t:eq(m.lastindex, 2)
  t:eq(m.lastgroup, "v")
  t:eq(m.string, "Subject: hi")
  t:eq(m.re.pattern, [[(?P<k>\w+): (?P<v>.*)]])
  t:eq(tostring(m), "<re.Match object; span=(0, 11), match='Subject: hi'>")
  t:eq(m:expand([[\g<v>=\1]]), "hi=Subject")
  local s = "Subject: hi"
  t:eq(s:sub(m:start("v") + 1, m:end_("v")), "hi", "0-based start, exclusive end")
  local opt = re.match("(a)(b)?", "a")
  t:eq(opt:group(2), nil, "unmatched group is nil")
  t:eq(opt:groups(), {"a", json_null}, "and null inside a table")
  t:eq(opt:groups(""), {"a", ""})
  t:eq(pcall(opt.group, opt, 3), false, "no such group")
  t:eq(pcall(opt.group, opt, "nope"), false, "no such group name")
end

function TestFindall(t)
  t:eq(re.findall([[\d+]], "1 22 333"), {"1", "22", "333"})
  t:eq(re.findall([[(\w)\d]], "a1 b2"), {"a", "b"})
  t:eq(re.findall([[(\w)(\d)?]], "a1b"), {{"a", "1"}, {"b", ""}})
  t:eq(re.findall("x", "abc"), {})
  local spans = {}
  for m in re.finditer([[\w+]], "ab cd") do spans[#spans + 1] = {m:span()} end
  t:eq(spans, {{0, 2}, {3, 5}})
end

function TestSub(t)
  local cases = {
    {[[(\w+)@(\w+)]], [[\2 at \1]], "mail bob@host now", 0, "mail host at bob now", 1},
    {"x", "-", "xax", 0, "-a-", 2},
    {"a", "o", "banana", 2, "bonona", 2},
    {[[(?P<w>\w+)]], [[<\g<w>>]], "hi you", 0, "<hi> <you>", 2},
    {"a", [[\n\\]], "a", 0, "\n\\", 1},
    {"a", [[\-]], "a", 0, [[\-]], 1},
  }
  for _, c in ipairs(cases) do
    local s, n = re.subn(c[1], c[2], c[3], c[4])
    t:eq({s, n}, {c[5], c[6]}, c[1] .. " -> " .. c[2])
    t:eq(re.sub(c[1], c[2], c[3], c[4]), c[5])
  end
  t:eq(re.sub("a", function(m) return m:group(0):upper() end, "banana", 2), "bAnAna")
  t:eq(re.sub("X", "y", "xXx", 0, re.I), "yyy")
  local ok, err = pcall(re.sub, "a", [[\q]], "a")
  t:eq(ok, false)
  t:eq(tostring(err):find("bad escape") ~= nil, true, tostring(err))
  ok, err = pcall(re.sub, "a", [[\3]], "a")
  t:eq(ok, false, "invalid group reference")
end

function TestSplit(t)
  t:eq(re.split(",", "a,b,c"), {"a", "b", "c"})
  t:eq(re.split("(,)|;", "a,b;c"), {"a", ",", "b", json_null, "c"})
  t:eq(re.split([[\s+]], " a b ", 1), {"", "a b "})
  t:eq(re.split("x", ""), {""})
end

function TestCompile(t)
  local p = re.compile([[^subject:\s*(.*)$]], re.I + re.M)
  t:eq(p.flags, re.IGNORECASE + re.MULTILINE)
  t:eq(p.groups, 1)
  local m = p:search("From: a\nSUBJECT: hello\n")
  t:eq(m:group(1), "hello")
  t:eq(p:match("x"), nil)
  t:eq(p:findall("subject: a\nsubject: b"), {"a", "b"})
  t:eq(re.compile([[(?P<a>.)(?P<b>.)]]).groupindex, {a = 1, b = 2})
  t:eq(re.search(p, "Subject: x"):group(1), "x", "a compiled pattern is accepted where a string is")
  local q = re.compile("b")
  t:eq(q:search("abcb", 2):span(), 3, "search from pos")
  t:eq(q:search("abcb", 0, 1), nil, "search up to endpos")
  t:eq(tostring(q), 're.compile("b")')
  t:eq(re.escape("a.b*c"), [[a\.b\*c]])
end

function TestUnsupported(t)
  local cases = {
    {[[(a)\1]], "backreferences"},
    {[[(?P<x>a)(?P=x)]], "backreferences"},
    {"a(?=b)", "lookaround"},
    {"(?<!a)b", "lookaround"},
    {"(unclosed", "bad pattern"},
    {"a**", "bad pattern"},
  }
  for _, c in ipairs(cases) do
    local ok, err = pcall(re.compile, c[1])
    t:eq(ok, false, c[1])
    t:eq(tostring(err):find(c[2], 1, true) ~= nil, true, c[1] .. ": " .. tostring(err))
  end
end
