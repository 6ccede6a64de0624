package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"rule alert.lua ran in",
		"INBOX    5 unread\nArchive  1 unread\n",
		"alert: WARN: INBOX has 5 unread messages\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "alert:") != 1 {
		t.Errorf("want one alert:\n%s", got)
	}
}
