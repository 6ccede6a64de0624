// Package luatest runs Lua test files under go test.
//
// A Lua test file defines global functions named TestXxx that take one
// argument, a test object t:
//
//	function TestSplit(t)
//	  local re = require("re")
//	  t:eq(re.split(",", "a,b"), {"a", "b"}, "split on a comma")
//	  t:run("empty", function(t)
//	    t:eq(re.split(",", ""), {""})
//	  end)
//	end
//
// Run turns each such function into a Go subtest of the same name, in the
// order they appear in the file. Every test function gets a fresh Lua state:
// the caller's setup function prepares it (preloading modules, attaching a
// host), the file's top level is executed, then the function is called.
//
// The test object offers:
//
//	t:log(...)               records its arguments (tostring'ed) in the test log
//	t:errorf(fmt, ...)       marks the test failed (string.format'ed message) and continues
//	t:fatalf(fmt, ...)       marks the test failed and stops it
//	t:eq(got, want [, msg])  fails unless got equals want; tables are compared
//	                         deeply (same keys, equal values, same metatable
//	                         ignored); the message names the first difference
//	t:run(name, fn)          runs fn(t2) as a nested subtest
//	t:name()                 the full Go name of the running (sub)test
//
// Messages are prefixed with the Lua file and line that called the method.
// A Lua error that escapes a test function fails the test with the error
// and its Lua stack trace.
package luatest
