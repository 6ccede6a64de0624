-- Tests that must fail, run in a child process by luatest_test.go.

function TestEqDiffers(t)
  t:eq({1, {a = "b"}}, {1, {a = "c"}}, "deep")
end

function TestErrorfContinues(t)
  t:errorf("first %d", 1)
  t:errorf("second %s", "two")
end

function TestFatalfStops(t)
  t:fatalf("stop here %d", 7)
  t:errorf("never reached")
end

function TestLuaError(t)
  local x = nil
  return x.field
end

function TestNestedFailure(t)
  local ok = t:run("sub", function(t2)
    t2:fatalf("inner failure")
  end)
  t:log("sub ok =", tostring(ok))
end
