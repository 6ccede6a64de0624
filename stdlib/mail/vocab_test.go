package mail

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite the generated tables of README.md from the vocabularies")

// searchKeysTable renders searchKeys as the README's table.
func searchKeysTable() string {
	var b strings.Builder
	b.WriteString("| Key | IMAP | Value | Meaning |\n|---|---|---|---|\n")
	for _, k := range searchKeys {
		b.WriteString("| `" + k.name + "` | " + k.imap + " | " + k.kind.doc + " | " + k.doc + " |\n")
	}
	return b.String()
}

// accountKeysTable renders accountKeys as the README's table.
func accountKeysTable() string {
	var b strings.Builder
	b.WriteString("| Key | In a URL | Type | Default | What it is |\n|---|---|---|---|---|\n")
	for _, k := range accountKeys {
		where := k.inURL
		if k.param != "" {
			if where != "" {
				where = "`?" + k.param + "=`, " + where
			} else {
				where = "`?" + k.param + "=`"
			}
		}
		if where == "" {
			where = "-"
		}
		def := k.def
		if def == "" {
			def = "-"
		}
		b.WriteString("| `" + k.name + "` | " + where + " | `" + strings.ReplaceAll(k.lua, "|", `\|`) + "` | " + def + " | " + k.doc + " |\n")
	}
	return b.String()
}

// TestReadmeTablesFollowVocabularies checks that the README's tables of
// search keys and account keys are exactly what the vocabularies render;
// -update-docs rewrites them.
func TestReadmeTablesFollowVocabularies(t *testing.T) {
	const path = "../../README.md"
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(src)
	for _, tc := range []struct{ name, table string }{
		{"search-keys", searchKeysTable()},
		{"account-keys", accountKeysTable()},
	} {
		begin, end := "<!-- "+tc.name+": generated from stdlib/mail, go test ./stdlib/mail -update-docs -->\n", "<!-- /"+tc.name+" -->"
		i := strings.Index(readme, begin)
		j := strings.Index(readme, end)
		if i < 0 || j < i {
			t.Fatalf("README.md has no %q ... %q block", strings.TrimSpace(begin), end)
		}
		got := readme[i+len(begin) : j]
		if got == tc.table {
			continue
		}
		if *updateDocs {
			readme = readme[:i+len(begin)] + tc.table + readme[j:]
			continue
		}
		t.Errorf("README.md's %s table differs from the vocabulary; run go test ./stdlib/mail -run TestReadmeTables -update-docs\ngot:\n%s\nwant:\n%s", tc.name, got, tc.table)
	}
	if *updateDocs {
		if err := os.WriteFile(path, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// annotatedFields returns the fields of class cls in types/mail.lua, name
// -> type, in order.
func annotatedFields(t *testing.T, cls string) ([]string, map[string]string) {
	t.Helper()
	src, err := os.ReadFile("../../types/mail.lua")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	types := map[string]string{}
	in := false
	for _, line := range strings.Split(string(src), "\n") {
		switch {
		case line == "---@class "+cls:
			in = true
		case in && strings.HasPrefix(line, "---@field "):
			name, typ := splitField(strings.TrimPrefix(line, "---@field "))
			names = append(names, name)
			types[name] = typ
		case in:
			return names, types
		}
	}
	if !in {
		t.Fatalf("types/mail.lua has no ---@class %s", cls)
	}
	return names, types
}

// splitField splits "name? type comment" into the name and the type; the
// type ends at the first space outside braces.
func splitField(s string) (name, typ string) {
	name, rest, _ := strings.Cut(s, " ")
	name = strings.TrimSuffix(name, "?")
	depth := 0
	for i, r := range rest {
		switch r {
		case '{', '<', '(':
			depth++
		case '}', '>', ')':
			depth--
		case ' ':
			if depth == 0 && !strings.HasSuffix(rest[:i], ",") {
				return name, rest[:i]
			}
		}
	}
	return name, rest
}

// TestAnnotationsFollowVocabularies checks that mail.Query and
// mail.AccountConfig in types/mail.lua declare exactly the keys of the
// vocabularies, in their order and with their types.
func TestAnnotationsFollowVocabularies(t *testing.T) {
	check := func(cls string, wantNames []string, wantType func(i int) string) {
		names, types := annotatedFields(t, cls)
		if strings.Join(names, " ") != strings.Join(wantNames, " ") {
			t.Errorf("types/mail.lua %s declares\n  %s\nthe vocabulary has\n  %s", cls, strings.Join(names, " "), strings.Join(wantNames, " "))
			return
		}
		for i, n := range wantNames {
			if types[n] != wantType(i) {
				t.Errorf("types/mail.lua %s.%s is %s, the vocabulary says %s", cls, n, types[n], wantType(i))
			}
		}
	}
	check("mail.Query", searchKeyNames(), func(i int) string { return searchKeys[i].kind.lua })
	check("mail.AccountConfig", accountKeyNames(), func(i int) string { return accountKeys[i].lua })
}
