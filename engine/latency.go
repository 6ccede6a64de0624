package engine

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The latency of new mail: from the moment an on_new trigger read the
// server's news (the "* N EXISTS" of IDLE) to the start of the callback
// that hands the mail to the rule. It holds the trigger's coalescing
// window (host.Tuning.Coalesce), leaving IDLE, the fetch of the new UIDs
// and the wait for the rule's Lua state and account locks. With
// WithMetrics it is the histogram
//
//	mailscript_trigger_news_latency_seconds{rule,trigger}
//
// The delay of the server itself, from a delivery to its news, is not in
// it (Dovecot gathers changes for half a second before it tells an IDLE
// session).

// newNewsLatency makes the histogram and registers it with reg.
func newNewsLatency(reg *prometheus.Registry) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "mailscript_trigger_news_latency_seconds",
		Help:    "Time from the server's news of new mail (EXISTS read in IDLE) to the start of the callback.",
		Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
	}, []string{"rule", "trigger"})
	reg.MustRegister(h)
	return h
}

// NewsLatency records how long new mail waited for its callback (the mail
// module calls it).
func (s *sink) NewsLatency(d time.Duration) {
	e := s.rs.e
	if e.metrics != nil {
		e.metrics.newsLatency.WithLabelValues(s.rs.name, s.name).Observe(d.Seconds())
	}
	if e.newsHook != nil {
		e.newsHook(s.rs.name, s.name, d)
	}
}
