package engine_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/mailscript/mailscript/engine"
)

// The cases of TestOSTimeDST: instants around Berlin's DST changes of
// 2024 (31 March 01:00 UTC, 27 October 01:00 UTC) and 2000000000, and wall
// clock times read with isdst unknown, true and false, including the hour
// that is skipped in spring and the one repeated in autumn.
const dstInstants = "2000000000, 1704067200, 1711846800 - 1, 1711846800, 1729990800 - 3600, 1729990800 - 1, 1729990800, 1720000000"

const dstLua = `
local imaplib = require("imaplib")
print(imaplib.Time2Internaldate(os.date("*t", 2000000000)))
for _, x in ipairs({` + dstInstants + `}) do
  local t = os.date("*t", x)
  print(x, t.hour, tostring(t.isdst), os.time(t) - x)
end
for _, c in ipairs({
  {2024, 1, 15, 12, 0}, {2024, 7, 15, 12, 0},
  {2024, 3, 31, 2, 30}, {2024, 10, 27, 2, 30}, {2024, 10, 27, 1, 30},
}) do
  local line = {}
  for _, dst in ipairs({"nil", "true", "false"}) do
    local t = {year = c[1], month = c[2], day = c[3], hour = c[4], min = c[5], sec = 0}
    if dst ~= "nil" then t.isdst = (dst == "true") end
    line[#line + 1] = string.format("%d", os.time(t))
  end
  print(table.concat(line, " "))
end
`

const dstPython = `
import imaplib, time
print(imaplib.Time2Internaldate(time.localtime(2000000000)))
for x in [` + dstInstants + `]:
    t = time.localtime(x)
    print('%d\t%d\t%s\t%d' % (x, t.tm_hour, 'true' if t.tm_isdst > 0 else 'false', int(time.mktime(t)) - x))
for c in [(2024, 1, 15, 12, 0), (2024, 7, 15, 12, 0), (2024, 3, 31, 2, 30), (2024, 10, 27, 2, 30), (2024, 10, 27, 1, 30)]:
    print(' '.join('%d' % time.mktime(c + (0, 0, 0, dst)) for dst in (-1, 1, 0)))
`

// os.date("*t") fills isdst and os.time honours it, as C Lua's do (the
// C library's localtime and mktime, which Python's time module uses too),
// so the documented translation of time.localtime(x) to os.date("*t", x)
// gives the same Time2Internaldate in every zone with DST. The local zone
// is fixed when a process starts: the test runs itself again under
// TZ=Europe/Berlin and compares with Python under the same zone.
func TestOSTimeDST(t *testing.T) {
	if os.Getenv("ENGINE_TEST_DST_CHILD") != "1" {
		if _, err := os.Stat("/usr/share/zoneinfo/Europe/Berlin"); err != nil {
			t.Fatalf("the zone database is needed: %v", err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestOSTimeDST$", "-test.v")
		cmd.Env = append(os.Environ(), "TZ=Europe/Berlin", "ENGINE_TEST_DST_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestOSTimeDST") || strings.Contains(string(out), "SKIP") {
			t.Fatalf("child process: %v\n%s", err, out)
		}
		return
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Fatalf("python3 is needed for the comparison: %v", err)
	}
	want, err := exec.Command(py, "-c", dstPython).Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	res, err := engine.New(engine.WithCapture()).RunString(context.Background(), "dst.lua", dstLua)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(res.Output); got != string(want) {
		t.Errorf("Lua under TZ=Europe/Berlin:\n%s\nPython:\n%s", got, want)
	}
	if !strings.HasPrefix(string(want), `"18-May-2033 05:33:20 +0200"`) {
		t.Errorf("Python's Time2Internaldate is not the summer offset: %s", want)
	}
}
