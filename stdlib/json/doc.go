// Package json is the Lua module "json": encode and decode JSON, under the
// lua-cjson names (encode, decode) and Python's (dumps, loads).
//
//	local json = require("json")
//	local s = json.encode({uid = 42, flags = {"\\Seen"}, note = json.null})
//	local v = json.decode(s)            -- v.note == json.null
//	print(json.dumps({a = 1}, {indent = 2}))
//
// JSON null is json.null, the null sentinel of package null that
// imaplib also uses for Python's None, so one test works on both.
//
// Encoding: a table whose keys are 1..n is an array, possibly with a few
// holes encoded as null; a table with the metatable json.array_mt is an
// array even when empty; an empty table is an object ({}), as in
// lua-cjson; other tables are objects, with number and boolean keys turned
// into strings as Python does. Object keys are written sorted, so output
// is deterministic. Numbers without a fraction are written as integers.
// NaN, infinities, functions, other userdata, circular tables and nesting
// deeper than 1000 are errors. Invalid UTF-8 in strings is written as
// U+FFFD. encode writes compact UTF-8; dumps writes Python's default form
// (", " and ": " separators, non-ASCII as \uXXXX escapes). Both take an
// options table: indent (number or string), sort_keys (always on),
// ensure_ascii, separators ({item, key}).
//
// Decoding: objects become tables, arrays tables with json.array_mt, null
// json.null; numbers are Lua numbers (float64: integers beyond 2^53 lose
// precision). Malformed input raises an error naming the offset.
package json
