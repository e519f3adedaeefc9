package admin_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/admin"
)

// pinger answers what it is told, and remembers the deadline it was given.
type pinger struct {
	err         error
	waitForEnd  bool // block until the context ends, as a database that never answers
	deadline    time.Time
	hadDeadline bool
}

func (p *pinger) Ping(ctx context.Context) error {
	p.deadline, p.hadDeadline = ctx.Deadline()
	if p.waitForEnd {
		<-ctx.Done()
		return ctx.Err()
	}
	return p.err
}

var metricsHandler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	_, _ = w.Write([]byte("metrics here\n"))
})

func get(h http.Handler, method, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

func TestEndpoints(t *testing.T) {
	down := errors.New("server selection error: context deadline exceeded")
	tests := []struct {
		name       string
		store      *pinger
		pprof      bool
		method     string
		path       string
		wantStatus int
		wantBody   string
	}{
		{"healthz answers while the process lives", &pinger{}, false, "GET", "/healthz", 200, "ok"},
		{"healthz ignores the database", &pinger{err: down}, false, "GET", "/healthz", 200, "ok"},
		{"readyz is ready when the database answers", &pinger{}, false, "GET", "/readyz", 200, "ready"},
		{"readyz is not ready when the ping fails, and says why", &pinger{err: down}, false, "GET", "/readyz", 503,
			"not ready: the store cannot serve: server selection error"},
		{"readyz gives up on a database that never answers", &pinger{waitForEnd: true}, false, "GET", "/readyz", 503, "not ready"},
		{"HEAD works as GET for probes", &pinger{}, false, "HEAD", "/readyz", 200, ""},
		{"metrics are served", &pinger{}, false, "GET", "/metrics", 200, "metrics here"},
		{"pprof is off unless asked for", &pinger{}, false, "GET", "/debug/pprof/", 404, ""},
		{"pprof is served when asked for", &pinger{}, true, "GET", "/debug/pprof/", 200, "goroutine"},
		{"pprof's command line when asked for", &pinger{}, true, "GET", "/debug/pprof/cmdline", 200, ""},
		{"nothing else", &pinger{}, true, "GET", "/services/customer/v1/micro.ping", 404, ""},
		{"probes are read-only", &pinger{}, false, "POST", "/readyz", 405, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := admin.NewHandler(admin.Options{Metrics: metricsHandler, Store: tt.store, Pprof: tt.pprof, ReadyTimeout: 50 * time.Millisecond})
			rec := get(h, tt.method, tt.path)
			if rec.Code != tt.wantStatus || !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Fatalf("%s %s answered %d %q, want %d containing %q", tt.method, tt.path, rec.Code, rec.Body, tt.wantStatus, tt.wantBody)
			}
		})
	}
}

func TestReadinessPingIsBounded(t *testing.T) {
	for _, configured := range []time.Duration{0, 250 * time.Millisecond} {
		store := &pinger{}
		before := time.Now()
		get(admin.NewHandler(admin.Options{Metrics: metricsHandler, Store: store, ReadyTimeout: configured}), "GET", "/readyz")
		want := configured
		if want == 0 {
			want = admin.DefaultReadyTimeout
		}
		if !store.hadDeadline || store.deadline.After(time.Now().Add(want)) || store.deadline.Before(before) {
			t.Errorf("ReadyTimeout %v: the ping had deadline %v (set: %v), want one at most %v away", configured, store.deadline, store.hadDeadline, want)
		}
	}
}
