// Package luabind is the one way the mailscript modules bind Go to Lua.
//
// A module declares each userdata type once as a Type: its metatable name,
// its methods, its fields (read-only unless SetField says otherwise), its
// extra metamethods and its string form. Register installs it in a state;
// Wrap and Push make values of it; Check[T] reads them back as arguments.
// Its __index is strict: a key that is neither a method nor a field raises
// an error that names the type and, when one is close, the name the script
// probably meant.
//
// Errors are values, not strings: a Class (name, qualified name, parent,
// and further bases for a class with several, as Python allows) becomes a
// Lua table with is(e), a __call that makes an error of the class and a
// __tostring; an error value is a table {class, name, message, args}.
// Raise turns a Go error into such a value: a *Error carries its class,
// and a module's Classifier maps its own typed Go errors to classes.
//
// Modules made only of functions are built with NewModule.
//
// Modules that mirror a Python API share its calling conventions here:
// ParseArgs maps a call onto a Python Signature (positional arguments,
// then keyword arguments in a trailing options table, None as nil or the
// null value) with Python's TypeError messages; NewClass makes the
// callable table of a Python class (imaplib.IMAP4, smtplib.SMTP); NewTuple
// marks a table as a Python tuple; With is Python's with statement.
//
// The package also holds the one Lua value that stands for Python's None
// and JSON's null in every module. Lua's nil cannot be stored in a table,
// so a list such as imaplib's [b'OK', None] or the JSON array [1, null, 2]
// needs a placeholder that survives as an element. Following the lua-cjson
// convention, each Lua state has exactly one such value: a userdata whose
// tostring is "None" and whose type name (the __name field of its
// metatable) is "null". The json module exposes it as json.null, the
// imaplib binding as imaplib.None; both are the same value, so
// `v == json.null` works on what imaplib returns. Go code gets the value
// with Null(L) and tests for it with IsNull.
package luabind
