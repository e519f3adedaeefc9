// Package servicetest boots the real service (the same fx graph main
// runs) inside a test, on a random port, and calls it over HTTP with a
// real token.
package servicetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"

	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/adapters/token"
	"github.com/microbase-io/customer-service/bootstrap"
	"github.com/microbase-io/customer-service/test/support/openapitest"
	"github.com/microbase-io/customer-service/test/support/storetest"
)

// Secret signs the tokens of services started here.
const Secret = "test-secret-of-at-least-32-bytes!"

// Client calls a service over HTTP with a token.
type Client struct {
	URL   string // base URL of the methods, ending in "/"
	Token string // a valid token for it
}

// Service is a running in-process instance.
type Service struct {
	Client
	// AdminURL is the base of the admin endpoints (/metrics, /healthz,
	// /readyz), without a trailing "/".
	AdminURL string
	App      *fxtest.App
	Config   bootstrap.Config
	// Store reads the service's store directly, for tests that check what
	// was (or was not) stored rather than what the API answers.
	Store storetest.Inspector
	// Logs holds every line the service logged, at every level, so a
	// test can check what a run would leave in a log collector.
	Logs *observer.ObservedLogs
}

// Start runs the service with Settings on a fresh embedded store (or the
// MongoDB of a CUSTOMER_MONGODB_URI override), logging at warn, and the
// overrides in env, as Settings reads them. It stops when the test ends.
func Start(t testing.TB, env ...string) *Service {
	t.Helper()
	return StartWith(t, nil, env...)
}

// StartWith is Start with fx options added to the service's own, to reach
// a piece (fx.Populate) or wrap one (fx.Decorate), e.g. the event
// publisher. App.RequireStop stops the service before the test ends, as
// an instance that goes away.
func StartWith(t testing.TB, opts []fx.Option, env ...string) *Service {
	t.Helper()
	cfg, err := bootstrap.LoadConfig(Settings(t.TempDir(), append([]string{"CUSTOMER_LOG_LEVEL=warn"}, env...)...))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	var srv *httpapi.Server
	var admin *bootstrap.AdminServer
	var db *mongo.Database
	populate := fx.Populate(&srv, &admin)
	if !cfg.Embedded() {
		populate = fx.Options(populate, fx.Populate(&db))
	}
	observed, logs := observer.New(zapcore.DebugLevel)
	app := fxtest.New(t, append([]fx.Option{bootstrap.Options(cfg), populate,
		// Logs reach the test output only when the test fails.
		fx.Decorate(func() *zap.Logger {
			return zap.New(zapcore.NewTee(zaptest.NewLogger(t).Core(), observed))
		})}, opts...)...)
	app.RequireStart()
	t.Cleanup(app.RequireStop)
	store := storetest.SQLite(cfg.DataDir)
	if db != nil {
		store = storetest.MongoDB(db)
	}
	return &Service{
		Client: Client{
			URL:   fmt.Sprintf("http://%s%s", srv.Addr(), httpapi.BasePath),
			Token: Token(t, Secret, cfg.TokenScope),
		},
		AdminURL: fmt.Sprintf("http://%s", admin.Addr()),
		App:      app,
		Config:   cfg,
		Store:    store,
		Logs:     logs,
	}
}

// Token issues a token for secret with the given scopes, valid for an
// hour from now.
func Token(t testing.TB, secret string, scopes ...string) string {
	t.Helper()
	return TokenAt(t, secret, time.Now(), time.Hour, scopes...)
}

// TokenAt issues a token for secret with the given scopes, issued at now
// and valid for ttl: in the past, for a token that has expired.
func TokenAt(t testing.TB, secret string, now time.Time, ttl time.Duration, scopes ...string) string {
	t.Helper()
	issuer, err := token.NewIssuer([]byte(secret), "servicetest")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := issuer.Issue("tester", scopes, ttl, now)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Answer is a decoded response.
type Answer struct {
	Status int
	Header http.Header
	Raw    []byte
	Body   map[string]any
}

// Call POSTs args as JSON to method with the service's token.
func (s Client) Call(t testing.TB, method string, args any) Answer {
	t.Helper()
	b, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, s.URL+method, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.Token)
	return Do(t, req)
}

// Do sends req and decodes the JSON answer. The exchange must be one the
// service's OpenAPI document describes; the test fails otherwise.
func Do(t testing.TB, req *http.Request) Answer {
	t.Helper()
	var sent []byte
	if req.Body != nil {
		var err error
		if sent, err = io.ReadAll(req.Body); err != nil {
			t.Fatal(err)
		}
		req.Body = io.NopCloser(bytes.NewReader(sent))
	}
	a := Send(t, req)
	CheckOpenAPI(t, req, sent, a)
	if err := json.Unmarshal(a.Raw, &a.Body); err != nil {
		t.Fatalf("%s %.200s answered %d with non-JSON %q", req.Method, req.URL, a.Status, a.Raw)
	}
	if strings.Contains(string(a.Raw), `"password"`) {
		t.Fatalf("%.200s answered a password field: %s", req.URL, a.Raw)
	}
	return a
}

// Send sends req and returns the answer as it came, neither decoded nor
// held to the OpenAPI document: for a test that checks it its own way,
// or an answer net/http gives before the service sees the request.
func Send(t testing.TB, req *http.Request) Answer {
	t.Helper()
	ctx, cancel := context.WithTimeout(req.Context(), 30*time.Second)
	defer cancel()
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatalf("%s %.200s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Answer{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
}

var openAPIChecker = sync.OnceValues(func() (*openapitest.Checker, error) {
	return openapitest.New(httpapi.OpenAPI())
})

// CheckOpenAPI fails the test when the exchange of req, sent with body,
// and its answer is not one the OpenAPI document describes: so the
// document cannot drift from what the service does. Do calls it; a test
// that talks to the service another way can call it too.
func CheckOpenAPI(t testing.TB, req *http.Request, body []byte, a Answer) {
	t.Helper()
	checker, err := openAPIChecker()
	if err != nil {
		t.Fatal(err)
	}
	if err := checker.Check(req, body, a.Status, a.Header, a.Raw); err != nil {
		t.Errorf("the OpenAPI document and the service disagree: %v", err)
	}
}

// Customer returns the "customer" object of a successful answer.
func (a Answer) Customer(t testing.TB) map[string]any {
	t.Helper()
	c, ok := a.Body["customer"].(map[string]any)
	if a.Status != http.StatusOK || a.Body["ok"] != true || !ok {
		t.Fatalf("answer %d %s, want ok with a customer", a.Status, a.Raw)
	}
	return c
}

// Error checks a failure answer's status and code.
func (a Answer) Error(t testing.TB, status int, code string) {
	t.Helper()
	if a.Status != status || a.Body["ok"] != false || a.Body["error"] != code {
		t.Fatalf("answer %d %s, want %d %s", a.Status, a.Raw, status, code)
	}
}
