package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/mailscript/mailscript/engine"
	"github.com/mailscript/mailscript/host"
)

// listenAddr completes --listen: a missing host means loopback.
func listenAddr(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", usagef("--listen %q: %v (want HOST:PORT, such as 127.0.0.1:9109)", addr, err)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}

// serveHTTP serves the engine's /healthz and /metrics on addr until ctx
// is done. It returns once listening, with a function that stops the
// server.
func serveHTTP(ctx context.Context, e *engine.Engine, addr string, logger *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--listen: %w", err)
	}
	srv := &http.Server{Handler: e.Handler(), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("serving /healthz and /metrics stopped", "addr", ln.Addr().String(), "err", err)
		}
	}()
	logger.Info("serving /healthz and /metrics", "addr", ln.Addr().String())
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		<-done
	}, nil
}

// defaultIdleRenew is watch's IDLE heartbeat.
const defaultIdleRenew = 5 * time.Minute

// defaultCoalesce is watch's coalescing window of on_new.
const defaultCoalesce = host.DefaultCoalesce

// startDaemon makes the engine of watch with the daemon's flags: the
// command deadline and IDLE heartbeat, metrics and the HTTP listener
// when --listen is given. stop ends the listener.
func startDaemon(ctx context.Context, o *options, w *watchFlags, logger *slog.Logger, stdout, stderr io.Writer) (e *engine.Engine, stop func(), err error) {
	if w.commandTimeout < 0 || w.idleRenew < 0 || w.coalesce < 0 {
		return nil, nil, usagef("--command-timeout, --idle-renew and --coalesce must not be negative")
	}
	var addr string
	if w.listen != "" {
		if addr, err = listenAddr(w.listen); err != nil {
			return nil, nil, err
		}
	}
	opts := []engine.Option{engine.WithTuning(host.Tuning{CommandTimeout: w.commandTimeout, IdleRenew: w.idleRenew, Coalesce: w.coalesce})}
	if w.shard != "" {
		sh, err := engine.ParseShard(w.shard)
		if err != nil {
			return nil, nil, usagef("--shard: %s", strings.TrimPrefix(err.Error(), "engine: "))
		}
		opts = append(opts, engine.WithShard(sh))
		o.stateDir = shardStateDir(o, sh)
	}
	unlock := func() {}
	if dir, err := stateDir(o); err == nil {
		if unlock, err = engine.LockStateDir(dir); err != nil {
			return nil, nil, fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "engine: "))
		}
	}
	if addr != "" {
		opts = append(opts, engine.WithMetrics())
	}
	e = newEngine(o, logger, stdout, stderr, opts...)
	stop = unlock
	if addr != "" {
		stopHTTP, err := serveHTTP(ctx, e, addr, logger)
		if err != nil {
			unlock()
			return nil, nil, err
		}
		stop = func() {
			stopHTTP()
			unlock()
		}
	}
	return e, stop, nil
}

// shardStateDir is the state folder of a shard: a folder of its own in
// the state folder, "shard-I-of-N", so that shards can share a
// --state-dir (and "status --shard I/N" finds it).
func shardStateDir(o *options, sh engine.Shard) string {
	base, err := stateDir(o)
	if err != nil {
		return ""
	}
	return filepath.Join(base, fmt.Sprintf("shard-%d-of-%d", sh.Index, sh.Count))
}
