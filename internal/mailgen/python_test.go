package mailgen_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mailscript/mailscript/internal/mailgen"
)

// pythonScript parses every file of a folder with Python's email package
// (policy compat32) and prints what it finds as JSON.
const pythonScript = `
import email, json, os, re, sys
from email import policy
from email.header import decode_header, make_header
from email.utils import parseaddr, parsedate_to_datetime

def unfold(v):
    return re.sub(r'\r?\n(?=[ \t])', '', v)

def dec(v):
    return str(make_header(decode_header(unfold(v))))

out = {}
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    with open(os.path.join(d, name), 'rb') as f:
        msg = email.message_from_binary_file(f, policy=policy.compat32)
    from_name, from_addr = parseaddr(unfold(msg['From']))
    files, text, defects = [], None, []
    for part in msg.walk():
        defects += [type(x).__name__ for x in part.defects]
        if part.is_multipart():
            continue
        if part.get('Content-Disposition', '').startswith('attachment'):
            files.append(part.get_filename())
        elif text is None and part.get_content_type() == 'text/plain':
            text = part.get_payload(decode=True).decode(part.get_content_charset()).replace('\r\n', '\n')
    out[name] = {
        'subject': dec(msg['Subject']),
        'from_name': dec(from_name) if from_name else '',
        'from_addr': from_addr,
        'files': files,
        'date': int(parsedate_to_datetime(msg['Date']).timestamp()),
        'list_id': unfold(msg['List-Id'] or ''),
        'text': text,
        'defects': defects,
    }
json.dump(out, sys.stdout)
`

type pyResult struct {
	Subject  string   `json:"subject"`
	FromName string   `json:"from_name"`
	FromAddr string   `json:"from_addr"`
	Files    []string `json:"files"`
	Date     int64    `json:"date"`
	ListID   string   `json:"list_id"`
	Text     *string  `json:"text"`
	Defects  []string `json:"defects"`
}

// python3 returns the interpreter's path, skipping the test when it is
// missing outside CI.
func python3(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 is required under CI: %v", err)
		}
		t.Skipf("python3 not found: %v", err)
	}
	return p
}

// TestPythonEmail checks the messages with an independent parser: Python's
// email package must decode the same subject, sender, attachment names,
// date, List-Id and text, and report no defects.
func TestPythonEmail(t *testing.T) {
	py := python3(t)
	for name, msgs := range map[string][]mailgen.Message{
		"demo":     mailgen.Demo(demoNow),
		"generate": generate(t, mailgen.Options{Seed: 11, Count: 500}),
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for i, m := range msgs {
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%05d.eml", i)), m.Raw, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command(py, "-c", pythonScript, dir)
			cmd.Stderr = os.Stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("python3: %v", err)
			}
			var res map[string]pyResult
			if err := json.Unmarshal(out, &res); err != nil {
				t.Fatal(err)
			}
			if len(res) != len(msgs) {
				t.Fatalf("python3 read %d messages of %d", len(res), len(msgs))
			}
			for i, m := range msgs {
				r := res[fmt.Sprintf("%05d.eml", i)]
				id := m.MessageID
				if r.Subject != m.Subject {
					t.Errorf("%s: subject %q, want %q", id, r.Subject, m.Subject)
				}
				if r.FromName != m.FromName || r.FromAddr != m.From {
					t.Errorf("%s: from %q <%s>, want %q <%s>", id, r.FromName, r.FromAddr, m.FromName, m.From)
				}
				if names := m.AttachmentNames(); !slices.Equal(r.Files, names) {
					t.Errorf("%s: attachments %q, want %q", id, r.Files, names)
				}
				if r.Date != m.Date.Unix() {
					t.Errorf("%s: date %d, want %d", id, r.Date, m.Date.Unix())
				}
				if r.ListID != m.ListID {
					t.Errorf("%s: List-Id %q, want %q", id, r.ListID, m.ListID)
				}
				if r.Text == nil || *r.Text != m.Text {
					t.Errorf("%s: text %v, want %q", id, r.Text, m.Text)
				}
				if len(r.Defects) > 0 {
					t.Errorf("%s: defects %v", id, r.Defects)
				}
			}
		})
	}
}
