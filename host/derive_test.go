package host_test

import (
	"context"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mailscript/mailscript/host"
)

// TestDeriveCopiesEveryField fills every exported field of a Host with a
// non-zero value and checks that Derive carries each one over, except the
// context (replaced) and Reactive (a derived host registers no triggers).
// A field added to Host later fails this test until Derive copies it.
func TestDeriveCopiesEveryField(t *testing.T) {
	var sb strings.Builder
	h := &host.Host{
		Context:   context.Background(),
		Stdout:    &sb,
		Logger:    slog.New(slog.DiscardHandler),
		Debug:     io.Discard,
		Perms:     host.All(),
		ScriptDir: "/rules",
		DryRun:    true,
		Env:       func(string) (string, bool) { return "", false },
		Reactive:  true,
		State:     memState{},
		Tuning:    host.Tuning{Poll: time.Second},
	}
	hv := reflect.ValueOf(h).Elem()
	for i := range hv.NumField() {
		f := hv.Type().Field(i)
		if f.IsExported() && hv.Field(i).IsZero() {
			t.Fatalf("test fixture leaves Host.%s zero: set it so Derive is checked on it", f.Name)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := h.Derive(ctx)
	if d.Context != ctx {
		t.Error("Derive kept the parent's context")
	}
	if d.Reactive {
		t.Error("a derived host is reactive")
	}
	dv := reflect.ValueOf(d).Elem()
	for i := range hv.NumField() {
		f := hv.Type().Field(i)
		if !f.IsExported() || f.Name == "Context" || f.Name == "Reactive" {
			continue
		}
		a, b := hv.Field(i), dv.Field(i)
		if f.Type.Kind() == reflect.Func {
			if a.Pointer() != b.Pointer() {
				t.Errorf("Derive dropped Host.%s", f.Name)
			}
			continue
		}
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			t.Errorf("Derive dropped Host.%s: got %v, want %v", f.Name, b.Interface(), a.Interface())
		}
	}
}

type memState struct{}

func (memState) Get(string) ([]byte, bool, error) { return nil, false, nil }
func (memState) Set(string, []byte) error         { return nil }
