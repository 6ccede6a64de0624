package engine

import (
	"strings"
	"testing"
	"time"
)

// TestHealthSignInNeeded: a trigger whose OAuth2 sign-in was revoked is
// unhealthy, and the reason names the command that brings it back.
func TestHealthSignInNeeded(t *testing.T) {
	now := time.Now()
	state := `sign-in needed: run "mailscript auth login work" (the grant was revoked)`
	ok, reason := triggerHealth(TriggerStatus{State: state, StateSince: now}, time.Minute, now)
	if ok || !strings.Contains(reason, "mailscript auth login work") {
		t.Errorf("triggerHealth = %v, %q; want unhealthy, naming the command", ok, reason)
	}
	if c := stateClass(state); c != "signin_needed" {
		t.Errorf("stateClass = %q", c)
	}
	if ok, _ := triggerHealth(TriggerStatus{State: "idle (uidvalidity 1)", StateSince: now}, time.Minute, now); !ok {
		t.Error("an idle trigger is unhealthy")
	}
}
