// Package re is the Lua module "re": Python's re functions on Go's RE2
// engine (package regexp).
//
//	local re = require("re")
//	local m = re.search([[(?P<user>[\w.]+)@(?P<host>[\w.]+)]], s)
//	if m then print(m:group("user"), m:span()) end
//	for _, w in ipairs(re.findall([[\d+]], "1 22 333")) do ... end
//	local s2 = re.sub([[(\w+)@]], [[\1 at ]], s, 0, re.IGNORECASE)
//	local p = re.compile("^subject:", re.I + re.M)
//
// Functions: compile, search, match, fullmatch, findall, finditer (an
// iterator), sub, subn, split, escape, purge; flags IGNORECASE (I),
// MULTILINE (M), DOTALL (S), combined with +. Compiled patterns are cached.
// Pattern objects (userdata "re.Pattern") have the same methods and the
// fields pattern, flags, groups and groupindex; match objects
// (userdata "re.Match") have group, groups, groupdict, span, start,
// end_ (also m["end"]), m[i] for group i, and the fields string, re, pos,
// endpos, lastindex, lastgroup.
//
// Positions are Python's: offsets from 0, span ends exclusive (so
// s:sub(m:start() + 1, m:end_()) is the match). Python's None is nil as a
// return value and the null sentinel inside tables (groups, split).
// A replacement may be a string with \1, \g<1>, \g<name> references or a
// function receiving the match object.
//
// RE2 is not Python's engine: backreferences (\1, (?P=name)), lookaround
// and (?x) are refused with a clear error; \d, \w, \s and \b are ASCII;
// $ without MULTILINE matches only at the very end (Python also matches
// before a final newline); matching at a pos > 0 sees the string from pos
// (^ and \b match there); after a non-empty match, an empty match at the
// same place is not reported (Python 3.7+ reports it).
package re
