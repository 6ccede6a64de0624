-- Tests that must pass: they exercise every method of t.

function TestEqScalars(t)
  t:eq(1, 1)
  t:eq(1.0, 1, "integers and floats compare by value")
  t:eq("a", "a")
  t:eq(nil, nil)
  t:eq(true, true)
end

function TestEqTables(t)
  t:eq({1, 2, {x = "y"}}, {1, 2, {x = "y"}})
  t:eq({}, {})
  local self = {}
  self.me = self
  local other = {}
  other.me = other
  t:eq(self, other, "cycles terminate")
end

function TestRunNested(t)
  local ran = {}
  local ok = t:run("inner", function(t2)
    ran[#ran + 1] = t2:name()
  end)
  t:eq(ok, true)
  t:eq(#ran, 1)
  t:eq(ran[1]:match("/inner$") ~= nil, true, "subtest name ends in /inner")
  t:log("nested ran", ran[1])
end

counter = 0

function TestFreshStateA(t)
  counter = counter + 1
  t:eq(counter, 1, "each test gets a fresh state")
end

function TestFreshStateB(t)
  counter = counter + 1
  t:eq(counter, 1, "each test gets a fresh state")
end

function TestSetupRan(t)
  t:eq(setup_value, 42)
end
