package smtplib_test

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/pairtest"
	"github.com/mailscript/mailscript/internal/postfixtest"
)

var pairFilter = flag.String("pair", "", "run only the conformance pairs whose name matches this regular expression")

// queueIDRE matches Postfix's queue IDs in its replies, which differ from
// run to run.
var queueIDRE = regexp.MustCompile(`queued as [0-9A-Za-z]+`)

// TestConformance runs every pair of testdata/conformance (NAME.py, a
// Python smtplib script, and NAME.lua, its Lua translation) against the
// same Postfix (delivering to Dovecot over LMTP) and requires
// byte-identical output.
func TestConformance(t *testing.T) {
	pairtest.Python(t)
	dir, err := filepath.Abs(filepath.Join("testdata", "conformance"))
	if err != nil {
		t.Fatal(err)
	}
	pys, err := filepath.Glob(filepath.Join(dir, "*.py"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range pys {
		if name := strings.TrimSuffix(filepath.Base(p), ".py"); name != "canon" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	if len(names) < 15 {
		t.Errorf("only %d conformance pairs; the suite promises at least 15", len(names))
	}
	var filter *regexp.Regexp
	if *pairFilter != "" {
		filter = regexp.MustCompile(*pairFilter)
	}
	pf := postfixtest.Start(t)
	d := pf.Dovecot
	env := &pairtest.Env{Srv: d, Vars: map[string]string{
		"SMTP_HOST":            pf.Host(),
		"SMTP_PORT":            strconv.Itoa(pf.SMTPPort()),
		"SMTP_SUBMISSION_PORT": strconv.Itoa(pf.SubmissionPort()),
		"SMTP_SMTPS_PORT":      strconv.Itoa(pf.SMTPSPort()),
		"SMTP_LMTP_SOCKET":     pf.LMTPSocket(),
		"SMTP_USER":            d.User,
		"SMTP_PASSWORD":        d.Password,
		"SMTP_CAFILE":          d.CertFile(),
		"SMTP_DOMAIN":          postfixtest.Domain,
	}}
	for _, name := range names {
		if filter != nil && !filter.MatchString(name) {
			continue
		}
		t.Run(name, func(t *testing.T) {
			py := filepath.Join(dir, name+".py")
			lua := filepath.Join(dir, name+".lua")
			if _, err := os.Stat(lua); err != nil {
				t.Fatalf("%s.py has no Lua translation: %v", name, err)
			}
			at := pf.LogOffset()
			out, err := env.RunPython(t, py)
			if err != nil {
				t.Fatalf("%v\noutput so far:\n%s", err, out)
			}
			want := queueIDRE.ReplaceAllString(out, "queued as QID")
			pySessions, err := pf.Sessions(at, 30*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			at = pf.LogOffset()
			out, err = env.RunLua(t, lua)
			if err != nil {
				t.Fatalf("%v\noutput so far:\n%s", err, out)
			}
			got := queueIDRE.ReplaceAllString(out, "queued as QID")
			luaSessions, err := pf.Sessions(at, 30*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			// The conversation, as Postfix counted it: the same commands,
			// accepted and refused alike, in the same sessions.
			if w, g := strings.Join(pySessions, "\n"), strings.Join(luaSessions, "\n"); w != g {
				t.Errorf("SMTP conversations differ\npython:\n%s\nlua:\n%s", w, g)
			}
			if testing.Verbose() {
				t.Logf("sessions:\n%s", strings.Join(luaSessions, "\n"))
			}
			if testing.Verbose() {
				t.Logf("output:\n%s", got)
			}
			if got != want {
				t.Errorf("outputs differ\n%s", diff(want, got))
			}
			if strings.TrimSpace(want) == "" {
				t.Errorf("the pair printed nothing")
			}
		})
	}
}

// diff shows the lines of two outputs side by side from the first
// difference on.
func diff(want, got string) string {
	w := strings.Split(want, "\n")
	g := strings.Split(got, "\n")
	var b strings.Builder
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	b.WriteString("first difference at line " + strconv.Itoa(i+1) + "\n")
	for j := i; j < i+8 && (j < len(w) || j < len(g)); j++ {
		var wl, gl string
		if j < len(w) {
			wl = w[j]
		}
		if j < len(g) {
			gl = g[j]
		}
		b.WriteString("  python: " + wl + "\n  lua:    " + gl + "\n")
	}
	return b.String()
}
