package engine

import "time"

// WithNewsHook makes the engine call f with each latency it records for
// mailscript_trigger_news_latency_seconds (latency.go), for benchmarks
// that want every figure rather than a histogram's buckets.
func WithNewsHook(f func(rule, trigger string, d time.Duration)) Option {
	return func(e *Engine) { e.newsHook = f }
}
