package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mailscript/mailscript/engine"
)

// osDateFormat is every conversion Lua 5.2 accepts, E and O modifiers
// included, in UTC.
const osDateFormat = "!%a|%A|%b|%B|%c|%C|%d|%D|%e|%F|%g|%G|%h|%H|%I|%j|%m|%M|%p|%r|%R|%S|%T|%u|%U|%V|%w|%W|%x|%X|%y|%Y|%z|%Z|%Ec|%EC|%Ex|%EX|%Ey|%EY|%Od|%Oe|%OH|%OI|%Om|%OM|%OS|%Ou|%OU|%OV|%Ow|%OW|%Oy"

// TestOSDateStrftime checks os.date against what C Lua 5.2 on glibc
// prints for the same instants: week numbers at the turn of years, leap
// days, years before 1000 and after 9999, negative years.
func TestOSDateStrftime(t *testing.T) {
	cases := map[string]string{
		"1700000000":        "Tue|Tuesday|Nov|November|Tue Nov 14 22:13:20 2023|20|14|11/14/23|14|2023-11-14|23|2023|Nov|22|10|318|11|13|PM|10:13:20 PM|22:13|20|22:13:20|2|46|46|2|46|11/14/23|22:13:20|23|2023|+0000|GMT|Tue Nov 14 22:13:20 2023|20|11/14/23|22:13:20|23|2023|14|14|22|10|11|13|20|2|46|46|2|46|23",
		"0":                 "Thu|Thursday|Jan|January|Thu Jan  1 00:00:00 1970|19|01|01/01/70| 1|1970-01-01|70|1970|Jan|00|12|001|01|00|AM|12:00:00 AM|00:00|00|00:00:00|4|00|01|4|00|01/01/70|00:00:00|70|1970|+0000|GMT|Thu Jan  1 00:00:00 1970|19|01/01/70|00:00:00|70|1970|01| 1|00|12|01|00|00|4|00|01|4|00|70",
		"-1":                "Wed|Wednesday|Dec|December|Wed Dec 31 23:59:59 1969|19|31|12/31/69|31|1969-12-31|70|1970|Dec|23|11|365|12|59|PM|11:59:59 PM|23:59|59|23:59:59|3|52|01|3|52|12/31/69|23:59:59|69|1969|+0000|GMT|Wed Dec 31 23:59:59 1969|19|12/31/69|23:59:59|69|1969|31|31|23|11|12|59|59|3|52|01|3|52|69",
		"1735603200":        "Tue|Tuesday|Dec|December|Tue Dec 31 00:00:00 2024|20|31|12/31/24|31|2024-12-31|25|2025|Dec|00|12|366|12|00|AM|12:00:00 AM|00:00|00|00:00:00|2|52|01|2|53|12/31/24|00:00:00|24|2024|+0000|GMT|Tue Dec 31 00:00:00 2024|20|12/31/24|00:00:00|24|2024|31|31|00|12|12|00|00|2|52|01|2|53|24",
		"951782400":         "Tue|Tuesday|Feb|February|Tue Feb 29 00:00:00 2000|20|29|02/29/00|29|2000-02-29|00|2000|Feb|00|12|060|02|00|AM|12:00:00 AM|00:00|00|00:00:00|2|09|09|2|09|02/29/00|00:00:00|00|2000|+0000|GMT|Tue Feb 29 00:00:00 2000|20|02/29/00|00:00:00|00|2000|29|29|00|12|02|00|00|2|09|09|2|09|00",
		"1262304000":        "Fri|Friday|Jan|January|Fri Jan  1 00:00:00 2010|20|01|01/01/10| 1|2010-01-01|09|2009|Jan|00|12|001|01|00|AM|12:00:00 AM|00:00|00|00:00:00|5|00|53|5|00|01/01/10|00:00:00|10|2010|+0000|GMT|Fri Jan  1 00:00:00 2010|20|01/01/10|00:00:00|10|2010|01| 1|00|12|01|00|00|5|00|53|5|00|10",
		"-62101036800":      "Tue|Tuesday|Feb|February|Tue Feb  5 00:00:00 2|0|05|02/05/02| 5|2-02-05|02|2|Feb|00|12|036|02|00|AM|12:00:00 AM|00:00|00|00:00:00|2|05|06|2|05|02/05/02|00:00:00|02|2|+0000|GMT|Tue Feb  5 00:00:00 2|0|02/05/02|00:00:00|02|2|05| 5|00|12|02|00|00|2|05|06|2|05|02",
		"-62170156800":      "Sun|Sunday|Nov|November|Sun Nov 28 00:00:00 -1|-1|28|11/28/99|28|-1-11-28|99|-1|Nov|00|12|332|11|00|AM|12:00:00 AM|00:00|00|00:00:00|7|48|47|0|47|11/28/99|00:00:00|99|-1|+0000|GMT|Sun Nov 28 00:00:00 -1|-1|11/28/99|00:00:00|99|-1|28|28|00|12|11|00|00|7|48|47|0|47|99",
		"-85147200000":      "Sat|Saturday|Oct|October|Sat Oct 17 00:00:00 -729|-8|17|10/17/71|17|-729-10-17|71|-729|Oct|00|12|290|10|00|AM|12:00:00 AM|00:00|00|00:00:00|6|41|42|6|41|10/17/71|00:00:00|71|-729|+0000|GMT|Sat Oct 17 00:00:00 -729|-8|10/17/71|00:00:00|71|-729|17|17|00|12|10|00|00|6|41|42|6|41|71",
		"-59011459200":      "Fri|Friday|Jan|January|Fri Jan  1 00:00:00 100|1|01|01/01/00| 1|100-01-01|99|99|Jan|00|12|001|01|00|AM|12:00:00 AM|00:00|00|00:00:00|5|00|53|5|00|01/01/00|00:00:00|00|100|+0000|GMT|Fri Jan  1 00:00:00 100|1|01/01/00|00:00:00|00|100|01| 1|00|12|01|00|00|5|00|53|5|00|00",
		"253402300800":      "Sat|Saturday|Jan|January|Sat Jan  1 00:00:00 10000|100|01|01/01/00| 1|10000-01-01|99|9999|Jan|00|12|001|01|00|AM|12:00:00 AM|00:00|00|00:00:00|6|00|52|6|00|01/01/00|00:00:00|00|10000|+0000|GMT|Sat Jan  1 00:00:00 10000|100|01/01/00|00:00:00|00|10000|01| 1|00|12|01|00|00|6|00|52|6|00|00",
		"-1000000000000000": "Sun|Sunday|Jun|June|Sun Jun 29 22:13:20 -31686769|-316868|29|06/29/31|29|-31686769-06-29|31|-31686769|Jun|22|10|180|06|13|PM|10:13:20 PM|22:13|20|22:13:20|7|26|26|0|25|06/29/31|22:13:20|31|-31686769|+0000|GMT|Sun Jun 29 22:13:20 -31686769|-316868|06/29/31|22:13:20|31|-31686769|29|29|22|10|06|13|20|7|26|26|0|25|31",
	}
	var src strings.Builder
	var want strings.Builder
	for ts, line := range cases {
		src.WriteString("print(os.date('" + osDateFormat + "', " + ts + "))\n")
		want.WriteString(line + "\n")
	}
	res, err := engine.New(engine.WithCapture()).RunString(context.Background(), "date.lua", src.String())
	if err != nil {
		t.Fatal(err)
	}
	if got := string(res.Output); got != want.String() {
		gotLines, wantLines := strings.Split(got, "\n"), strings.Split(want.String(), "\n")
		for i := range wantLines {
			if i >= len(gotLines) || gotLines[i] != wantLines[i] {
				g := ""
				if i < len(gotLines) {
					g = gotLines[i]
				}
				t.Errorf("line %d:\n got %s\nwant %s", i+1, g, wantLines[i])
			}
		}
	}
}

// TestOSDateArguments checks os.date's arguments as C Lua 5.2 takes
// them: the default format, a number as the format, a string as the
// time, fractions, times no year fits (nil) and conversions Lua refuses
// (errors).
func TestOSDateArguments(t *testing.T) {
	src := `
print(#os.date(), #os.date(nil, 0), os.date(5, 0), os.date('!%Y', '86400000'), os.date('!%Y', ' 0x10 '))
print(os.date('!%H:%M:%S', 86399.9), os.date('!%H:%M:%S', -0.5), os.date('!*tx', 0))
print(os.date('!%Y', 1e17), os.date('!%Y', 1/0), os.date('!%Y', -1/0), os.date('!%Y', 0/0), os.date('!*t', 1e17))
print(os.date('!%Y', 1e15), os.date('!%n%t%%', 0) == '\n\t%')
for _, f in ipairs({'%Q', '%', 'x%', '%5d', '%-d', '%E', '%Ez', '%Oa', '%s', '%k', '%Ec%'}) do
  local ok, err = pcall(os.date, f, 0)
  print(f, ok, (string.gsub(tostring(err), '^.*%((.*)%)$', '%1')))
end
print(select(2, pcall(os.date, '!%Y', 'x')), select(2, pcall(os.date, {}, 0)))
`
	res, err := engine.New(engine.WithCapture()).RunString(context.Background(), "args.lua", src)
	if err != nil {
		t.Fatal(err)
	}
	want := "24\t24\t5\t1972\t1970\n" +
		"23:59:59\t00:00:00\t*tx\n" +
		"nil\tnil\tnil\tnil\tnil\n" +
		"31690708\ttrue\n" +
		"%Q\tfalse\tinvalid conversion specifier '%Q'\n" +
		"%\tfalse\tinvalid conversion specifier '%'\n" +
		"x%\tfalse\tinvalid conversion specifier '%'\n" +
		"%5d\tfalse\tinvalid conversion specifier '%5d'\n" +
		"%-d\tfalse\tinvalid conversion specifier '%-d'\n" +
		"%E\tfalse\tinvalid conversion specifier '%E'\n" +
		"%Ez\tfalse\tinvalid conversion specifier '%Ez'\n" +
		"%Oa\tfalse\tinvalid conversion specifier '%Oa'\n" +
		"%s\tfalse\tinvalid conversion specifier '%s'\n" +
		"%k\tfalse\tinvalid conversion specifier '%k'\n" +
		"%Ec%\tfalse\tinvalid conversion specifier '%'\n"
	lines := strings.SplitN(string(res.Output), "\n", 16)
	if got := strings.Join(lines[:15], "\n") + "\n"; got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
	if last := lines[15]; !strings.Contains(last, "number expected, got string") ||
		!strings.Contains(last, "string expected, got table") {
		t.Errorf("bad arguments: %q", last)
	}
}
