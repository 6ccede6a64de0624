package engine

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mailscript/mailscript/internal/connwatch"
)

// Metrics. With WithMetrics the engine keeps Prometheus metrics of its
// active rules and serves them, with a health check, through Handler:
//
//	mailscript_rules_active                          rules alive with triggers
//	mailscript_trigger_state{rule,trigger,state}     1 for the trigger's state class
//	mailscript_trigger_healthy{rule,trigger}         1 healthy, 0 not (see Health)
//	mailscript_trigger_reconnects_total{...}         connections lost and retried
//	mailscript_trigger_last_check_timestamp_seconds  last time it was up to date
//	mailscript_trigger_callbacks_total{...}          callbacks run
//	mailscript_trigger_callback_errors_total{...}    callbacks failed
//	mailscript_trigger_messages_total{...}           messages handed to callbacks
//	mailscript_callback_duration_seconds{...}        histogram of callback times
//	mailscript_trigger_news_latency_seconds{...}     news of new mail to callback (latency.go)
//	mailscript_imap_commands_total{rule,trigger,command,status}
//	mailscript_imap_command_duration_seconds{rule,trigger}  round trips (IDLE excluded)
//	mailscript_imap_connections_open{rule,trigger}
//	mailscript_imap_connections_opened_total{rule,trigger}
//	mailscript_imap_account_connections_open{account}  the watchers' connections per account
//
// rule is the rule's file, trigger its description ("on_new INBOX
// (alice@example.org)"); the rule's own connections (its searches and
// actions) have trigger="". The connections the mail module shares between
// the watchers of one account (NOTIFY, polling) have rule="" and
// trigger="watch ACCOUNT".

// WithMetrics makes the engine keep Prometheus metrics, for Handler.
func WithMetrics() Option {
	return func(e *Engine) { e.metrics = newMetrics(e) }
}

type engineMetrics struct {
	e   *Engine
	reg *prometheus.Registry

	callbackDur *prometheus.HistogramVec
	commands    *prometheus.CounterVec
	rtt         *prometheus.HistogramVec
	connsOpen   *prometheus.GaugeVec
	connsOpened *prometheus.CounterVec
	acctOpen    *prometheus.GaugeVec
	newsLatency *prometheus.HistogramVec // latency.go

	mu        sync.Mutex
	observers map[[2]string]*observer
}

var (
	descActive     = prometheus.NewDesc("mailscript_rules_active", "Rules alive with triggers.", nil, nil)
	descState      = prometheus.NewDesc("mailscript_trigger_state", "1 for the class of the trigger's current state.", []string{"rule", "trigger", "state"}, nil)
	descHealthy    = prometheus.NewDesc("mailscript_trigger_healthy", "1 when the trigger is connected or in a planned backoff, else 0.", []string{"rule", "trigger"}, nil)
	descReconnects = prometheus.NewDesc("mailscript_trigger_reconnects_total", "Times the trigger lost its connection and waited to connect again.", []string{"rule", "trigger"}, nil)
	descLastCheck  = prometheus.NewDesc("mailscript_trigger_last_check_timestamp_seconds", "When the trigger last finished looking at its mailbox (Unix time).", []string{"rule", "trigger"}, nil)
	descCalls      = prometheus.NewDesc("mailscript_trigger_callbacks_total", "Callbacks run.", []string{"rule", "trigger"}, nil)
	descErrors     = prometheus.NewDesc("mailscript_trigger_callback_errors_total", "Callbacks that failed.", []string{"rule", "trigger"}, nil)
	descMessages   = prometheus.NewDesc("mailscript_trigger_messages_total", "Messages handed to callbacks.", []string{"rule", "trigger"}, nil)
)

func newMetrics(e *Engine) *engineMetrics {
	m := &engineMetrics{
		e:   e,
		reg: prometheus.NewRegistry(),
		callbackDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "mailscript_callback_duration_seconds", Help: "How long callbacks ran.",
			Buckets: prometheus.ExponentialBuckets(0.005, 4, 9),
		}, []string{"rule", "trigger"}),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mailscript_imap_commands_total", Help: "IMAP commands sent, by command and tagged status (\"\" when none came).",
		}, []string{"rule", "trigger", "command", "status"}),
		rtt: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "mailscript_imap_command_duration_seconds", Help: "Time from an IMAP command to its tagged response (IDLE excluded).",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 9),
		}, []string{"rule", "trigger"}),
		connsOpen: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mailscript_imap_connections_open", Help: "IMAP connections open.",
		}, []string{"rule", "trigger"}),
		connsOpened: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mailscript_imap_connections_opened_total", Help: "IMAP connections opened.",
		}, []string{"rule", "trigger"}),
		acctOpen: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mailscript_imap_account_connections_open", Help: "IMAP connections open by the watchers of each account.",
		}, []string{"account"}),
		observers: make(map[[2]string]*observer),
	}
	m.newsLatency = newNewsLatency(m.reg)
	m.reg.MustRegister(m.callbackDur, m.commands, m.rtt, m.connsOpen, m.connsOpened, m.acctOpen, boardCollector{e},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observe returns ctx carrying the connection observer of rule and
// trigger, when the engine keeps metrics.
func (e *Engine) observe(ctx context.Context, rule, trigger string) context.Context {
	if e.metrics == nil {
		return ctx
	}
	m := e.metrics
	return connwatch.NewContext(ctx, m.observer(rule, trigger))
}

// observer returns the observer of rule and trigger, made once.
func (m *engineMetrics) observer(rule, trigger string) *observer {
	key := [2]string{rule, trigger}
	m.mu.Lock()
	defer m.mu.Unlock()
	o := m.observers[key]
	if o == nil {
		o = &observer{m: m, rule: rule, trigger: trigger,
			open: m.connsOpen.WithLabelValues(rule, trigger), opened: m.connsOpened.WithLabelValues(rule, trigger),
			rtt: m.rtt.WithLabelValues(rule, trigger)}
		m.observers[key] = o
	}
	return o
}

// callbackDone records a callback's duration.
func (e *Engine) callbackDone(rule, trigger string, d time.Duration) {
	if e.metrics != nil {
		e.metrics.callbackDur.WithLabelValues(rule, trigger).Observe(d.Seconds())
	}
}

// observer is a connwatch.Observer feeding the metrics of one rule and
// trigger.
type observer struct {
	m             *engineMetrics
	rule, trigger string
	open          prometheus.Gauge
	opened        prometheus.Counter
	rtt           prometheus.Observer
}

func (o *observer) Opened() { o.open.Inc(); o.opened.Inc() }

// ForAccount makes the observer of a watch connection to account.
func (o *observer) ForAccount(account string, shared bool) connwatch.Observer {
	base := o
	if shared {
		base = o.m.observer("", "watch "+account)
	}
	return &acctObserver{observer: base, acct: o.m.acctOpen.WithLabelValues(account)}
}

// acctObserver counts a connection as its account's too.
type acctObserver struct {
	*observer
	acct prometheus.Gauge
}

func (o *acctObserver) Opened() { o.observer.Opened(); o.acct.Inc() }
func (o *acctObserver) Closed() { o.observer.Closed(); o.acct.Dec() }
func (o *observer) Closed()     { o.open.Dec() }
func (o *observer) Command(name string, rtt time.Duration, status string) {
	o.m.commands.WithLabelValues(o.rule, o.trigger, name, status).Inc()
	if rtt > 0 {
		o.rtt.Observe(rtt.Seconds())
	}
}

// boardCollector turns the status board into metrics at each scrape.
type boardCollector struct{ e *Engine }

func (c boardCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descActive, descState, descHealthy, descReconnects, descLastCheck, descCalls, descErrors, descMessages} {
		ch <- d
	}
}

func (c boardCollector) Collect(ch chan<- prometheus.Metric) {
	rules, _ := c.e.board.snapshot()
	now := time.Now()
	deadline := c.e.commandTimeout()
	ch <- prometheus.MustNewConstMetric(descActive, prometheus.GaugeValue, float64(len(rules)))
	seen := map[[2]string]bool{}
	for _, r := range rules {
		for _, t := range r.Triggers {
			key := [2]string{r.File, t.Trigger}
			if seen[key] {
				continue // a rule restarting: its older instance is going
			}
			seen[key] = true
			class := stateClass(t.State)
			for _, s := range stateClasses {
				v := 0.0
				if s == class {
					v = 1
				}
				ch <- prometheus.MustNewConstMetric(descState, prometheus.GaugeValue, v, r.File, t.Trigger, s)
			}
			healthy := 0.0
			if ok, _ := triggerHealth(t, deadline, now); ok {
				healthy = 1
			}
			ch <- prometheus.MustNewConstMetric(descHealthy, prometheus.GaugeValue, healthy, r.File, t.Trigger)
			ch <- prometheus.MustNewConstMetric(descReconnects, prometheus.CounterValue, float64(t.Reconnects), r.File, t.Trigger)
			if !t.LastCheck.IsZero() {
				ch <- prometheus.MustNewConstMetric(descLastCheck, prometheus.GaugeValue, float64(t.LastCheck.UnixNano())/1e9, r.File, t.Trigger)
			}
			ch <- prometheus.MustNewConstMetric(descCalls, prometheus.CounterValue, float64(t.Calls), r.File, t.Trigger)
			ch <- prometheus.MustNewConstMetric(descErrors, prometheus.CounterValue, float64(t.Failures), r.File, t.Trigger)
			ch <- prometheus.MustNewConstMetric(descMessages, prometheus.CounterValue, float64(t.Messages), r.File, t.Trigger)
		}
	}
}

// Handler serves /healthz and, with WithMetrics, /metrics:
//
//   - /healthz answers 200 "ok" when every trigger of the active rules is
//     connected or in a planned backoff, 503 with one line per problem
//     otherwise (see Health).
//   - /metrics answers the metrics in Prometheus' text format.
func (e *Engine) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		rep := e.Health(0)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !rep.OK {
			w.WriteHeader(http.StatusServiceUnavailable)
			for _, p := range rep.Problems {
				w.Write([]byte(p + "\n"))
			}
			return
		}
		w.Write([]byte("ok\n"))
	})
	if e.metrics != nil {
		mux.Handle("/metrics", promhttp.HandlerFor(e.metrics.reg, promhttp.HandlerOpts{}))
	}
	return mux
}

// defaultCommandTimeout is the command deadline when the tuning sets
// none: the mail module's default.
const defaultCommandTimeout = 60 * time.Second

func (e *Engine) commandTimeout() time.Duration {
	if e.tuning.CommandTimeout > 0 {
		return e.tuning.CommandTimeout
	}
	return defaultCommandTimeout
}
