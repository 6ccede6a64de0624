// Package luabind holds the Lua value that stands for Python's None and JSON's
// null in every mailscript module.
//
// Lua's nil cannot be stored in a table, so a list such as imaplib's
// [b'OK', None] or the JSON array [1, null, 2] needs a placeholder that
// survives as an element. Following the lua-cjson convention, each Lua state
// has exactly one such value: a userdata whose tostring is "None" and whose
// type name (the __name field of its metatable) is "null". The json module
// exposes it as json.null, the imaplib binding as imaplib.None; both are the
// same value, so `v == json.null` works on what imaplib returns.
//
// Go code gets the value with Null(L) and tests for it with IsNull.
package luabind
