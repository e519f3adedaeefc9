// Package admin serves what operators and orchestrators ask of the
// service, on a listener of its own kept off the public API port:
// liveness (/healthz), readiness (/readyz), metrics (/metrics) and, only
// when asked for, the Go profiler (/debug/pprof/).
package admin

import (
	"context"
	"net/http"
	// Its import also registers the profiler on http.DefaultServeMux, which
	// no server of this service serves; here it is mounted by hand.
	"net/http/pprof"
	"time"

	"github.com/microbase-io/customer-service/application"
)

// DefaultReadyTimeout bounds the readiness ping when Options leaves it
// unset: a probe must answer well within an orchestrator's own timeout.
const DefaultReadyTimeout = time.Second

// Options say what the admin endpoints serve.
type Options struct {
	// Metrics serves /metrics.
	Metrics http.Handler
	// Store is pinged by /readyz: the service is ready when the store can
	// serve, reads and writes.
	Store application.Pinger
	// ReadyTimeout bounds that ping; zero means DefaultReadyTimeout.
	ReadyTimeout time.Duration
	// Pprof serves the Go profiler under /debug/pprof/. Profiles show the
	// service's internals and cost CPU while they run: off unless asked.
	Pprof bool
}

// NewHandler returns the handler of the admin endpoints.
func NewHandler(o Options) http.Handler {
	if o.ReadyTimeout <= 0 {
		o.ReadyTimeout = DefaultReadyTimeout
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		// The process answers, so it lives; the database has no say here,
		// or an orchestrator would restart every instance when it is down.
		text(w, http.StatusOK, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), o.ReadyTimeout)
		defer cancel()
		if err := o.Store.Ping(ctx); err != nil {
			// The admin port is for operators: the reason helps them.
			text(w, http.StatusServiceUnavailable, "not ready: the store cannot serve: "+err.Error())
			return
		}
		text(w, http.StatusOK, "ready")
	})
	mux.Handle("GET /metrics", o.Metrics)
	if o.Pprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	return mux
}

func text(w http.ResponseWriter, status int, s string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(s + "\n"))
}
