package engine

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Health of a watch: a trigger is healthy when it is connected (idle,
// polling, waiting) or in a planned backoff: the first wait before
// reconnecting after a connection was lost (a server restart, a kick).
// It is unhealthy when the server stopped answering (a command passed
// its deadline), when reconnecting failed again, when the login was
// refused, when it failed for good, or when connecting or checking has
// lasted longer than the command deadline.

// stateClass sorts a trigger's state text into a few classes, for health
// and metrics: idle, polling, waiting, watching, starting, connecting,
// checking, reconnecting, login_refused, failed, stopped, ended, other.
func stateClass(state string) string {
	word, _, _ := strings.Cut(state, " ")
	word = strings.TrimSuffix(word, ":")
	switch word {
	case "idle", "polling", "waiting", "watching", "starting", "connecting", "checking",
		"reconnecting", "failed", "stopped", "ended":
		return word
	case "login":
		if strings.HasPrefix(state, "login refused") {
			return "login_refused"
		}
	case "sign-in":
		if strings.HasPrefix(state, "sign-in needed") {
			return "signin_needed" // an OAuth2 grant was revoked or expired
		}
	}
	return "other"
}

// stateClasses are the classes stateClass returns.
var stateClasses = []string{"idle", "polling", "waiting", "watching", "starting", "connecting", "checking",
	"reconnecting", "login_refused", "signin_needed", "failed", "stopped", "ended", "other"}

var attemptRE = regexp.MustCompile(`\(attempt (\d+)\)`)

// timeoutMarks are what the reason of a lost connection says when the
// server stopped answering.
var timeoutMarks = []string{"timed out", "i/o timeout", "deadline exceeded"}

// triggerHealth says whether a trigger in state since when is healthy at
// now, and why not.
func triggerHealth(st TriggerStatus, deadline time.Duration, now time.Time) (ok bool, reason string) {
	switch stateClass(st.State) {
	case "starting", "connecting", "checking":
		if d := now.Sub(st.StateSince); d > deadline {
			return false, fmt.Sprintf("%s for %s (deadline %s)", st.State, d.Round(time.Second), deadline)
		}
		return true, ""
	case "reconnecting":
		for _, m := range timeoutMarks {
			if strings.Contains(st.State, m) {
				return false, "the server stopped answering: " + st.State
			}
		}
		if m := attemptRE.FindStringSubmatch(st.State); m != nil {
			if n, _ := strconv.Atoi(m[1]); n >= 2 {
				return false, st.State
			}
		}
		return true, ""
	case "login_refused", "signin_needed", "failed":
		return false, st.State
	}
	return true, ""
}

// HealthReport is the health of the engine's active rules.
type HealthReport struct {
	// OK is true when every trigger is healthy.
	OK bool `json:"ok"`
	// Triggers counts the triggers of active rules.
	Triggers int `json:"triggers"`
	// Problems says what is wrong: "RULE: TRIGGER: STATE".
	Problems []string `json:"problems,omitempty"`
}

// Health reports whether every trigger of the active rules is connected
// or in a planned backoff (see the package documentation). deadline is
// how long connecting or checking may last; zero means the tuning's
// command timeout.
func (e *Engine) Health(deadline time.Duration) HealthReport {
	if deadline <= 0 {
		deadline = e.commandTimeout()
	}
	rules, _ := e.board.snapshot()
	now := time.Now()
	rep := HealthReport{OK: true}
	for _, r := range rules {
		for _, t := range r.Triggers {
			rep.Triggers++
			if ok, why := triggerHealth(t, deadline, now); !ok {
				rep.OK = false
				rep.Problems = append(rep.Problems, fmt.Sprintf("%s: %s: %s", r.File, t.Trigger, why))
			}
		}
	}
	return rep
}
