package imapfilter

import (
	"testing"

	"github.com/mailscript/mailscript/imaplib"
)

func TestAnyID(t *testing.T) {
	got, err := imaplib.FormatSearch(anyID([]string{"<a@x>", "<b@x>", "<c@x>"})...)
	if err != nil {
		t.Fatal(err)
	}
	want := `OR HEADER Message-ID "<a@x>" OR HEADER Message-ID "<b@x>" HEADER Message-ID "<c@x>"`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
