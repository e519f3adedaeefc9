package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/adapters/token"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
	"github.com/microbase-io/customer-service/test/support/openapitest"
	"github.com/microbase-io/customer-service/test/support/secrettest"
	"github.com/microbase-io/customer-service/test/support/sqlitetest"
)

// The adapter is exercised the way a client sees it: NewRouter over the
// real use cases and the embedded SQLite store in a temporary directory, with a real HS256 token.

const (
	testScope      = "api"
	testMaxBody    = 1 << 20
	testMaxAnswer  = 4 << 20
	testMaxHeld    = 32 << 20
	johnPassword   = "john-s3cret-pass"
	janePassword   = "jane-s3cret-pass"
	createPassword = "create-s3cret-pass"
	unknownID      = "HkhhuXESl"
)

var testSecret = []byte("http-adapter-test-secret-0123456789")

// stepClock advances one second per reading, so a write that happened is
// visible in updatedAt. Handlers behind httptest.Server read it from other
// goroutines, hence the lock.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

type apiSetup struct {
	cfg  httpapi.Config
	repo func(*sqlite.Store) application.CustomerRepository
	uc   func(application.Application) application.Application
}

type apiOption func(*apiSetup)

// withRepository puts a wrapper between the use cases and the store.
func withRepository(wrap func(*sqlite.Store) application.CustomerRepository) apiOption {
	return func(s *apiSetup) { s.repo = wrap }
}

// withUseCases replaces some of the real use cases by fakes.
func withUseCases(wrap func(application.Application) application.Application) apiOption {
	return func(s *apiSetup) { s.uc = wrap }
}

func withRequestTimeout(d time.Duration) apiOption {
	return func(s *apiSetup) { s.cfg.RequestTimeout = d }
}

// withHeldBytes sets the bytes one list page and all requests in flight
// may hold.
func withHeldBytes(answer, held int64) apiOption {
	return func(s *apiSetup) { s.cfg.MaxAnswerBytes, s.cfg.MaxHeldBytes = answer, held }
}

// api is one router with its store, its log and a token it accepts.
type api struct {
	handler http.Handler
	repo    *sqlite.Store
	clock   *stepClock
	// create makes fixtures on repo, past any wrapper of the setup.
	create application.CreateCustomer
	logs   *observer.ObservedLogs
	token  string
}

func newAPI(t *testing.T, opts ...apiOption) *api {
	t.Helper()
	setup := apiSetup{cfg: httpapi.Config{MaxBodyBytes: testMaxBody, RequestTimeout: 5 * time.Second,
		MaxAnswerBytes: testMaxAnswer, MaxHeldBytes: testMaxHeld}}
	for _, o := range opts {
		o(&setup)
	}
	mem := sqlitetest.Open(t)
	var repo application.CustomerRepository = mem
	if setup.repo != nil {
		repo = setup.repo(mem)
	}
	clock := &stepClock{t: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}
	uc, err := application.New(repo, clock, application.Settings{BcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	fixtures, err := application.New(mem, clock, application.Settings{BcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	if setup.uc != nil {
		uc = setup.uc(uc)
	}
	verifier, err := token.NewVerifier([][]byte{testSecret}, testScope, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zapcore.DebugLevel)
	a := &api{
		handler: httpapi.NewRouter(setup.cfg, uc, verifier, zap.New(core)),
		repo:    mem,
		clock:   clock,
		create:  fixtures.CreateCustomer,
		logs:    logs,
		token:   issueToken(t, testSecret, []string{testScope}, time.Now(), time.Hour),
	}
	t.Cleanup(func() { assertLogsHoldNoPassword(t, logs) })
	return a
}

func issueToken(t *testing.T, secret []byte, scopes []string, now time.Time, ttl time.Duration) string {
	t.Helper()
	return issueSubjectToken(t, secret, "service-a", scopes, now, ttl)
}

func issueSubjectToken(t *testing.T, secret []byte, subject string, scopes []string, now time.Time, ttl time.Duration) string {
	t.Helper()
	issuer, err := token.NewIssuer(secret, "microbase")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := issuer.Issue(subject, scopes, ttl, now)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// request builds a call of an RPC method carrying the valid token. target
// is the method name, optionally followed by "?query"; a target starting
// with "/" is used as the whole path.
func (a *api) request(httpMethod, target, contentType, body string) *http.Request {
	if !strings.HasPrefix(target, "/") {
		target = httpapi.BasePath + target
	}
	r := httptest.NewRequest(httpMethod, target, strings.NewReader(body))
	if body == "" {
		r = httptest.NewRequest(httpMethod, target, nil)
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	r.Header.Set("Authorization", "Bearer "+a.token)
	return r
}

// answer is a response, already checked against what every answer must be.
type answer struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
}

// serve runs r through the router and checks the rules every answer keeps:
// a JSON object with a boolean ok matching the status, a request id, and no
// password.
func (a *api) serve(t *testing.T, r *http.Request) answer {
	t.Helper()
	var sent []byte
	if r.Body != nil {
		sent, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(sent))
	}
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, r)
	checkAgainstOpenAPI(t, r, sent, rec.Code, rec.Header(), rec.Body.Bytes())
	return checkAnswer(t, rec.Code, rec.Header(), rec.Body.Bytes())
}

var openAPIChecker = sync.OnceValues(func() (*openapitest.Checker, error) {
	return openapitest.New(httpapi.OpenAPI())
})

// checkAgainstOpenAPI fails the test when an exchange is not one the
// OpenAPI document describes.
func checkAgainstOpenAPI(t *testing.T, r *http.Request, sent []byte, status int, header http.Header, body []byte) {
	t.Helper()
	checker, err := openAPIChecker()
	if err != nil {
		t.Fatal(err)
	}
	if err := checker.Check(r, sent, status, header, body); err != nil {
		t.Errorf("OpenAPI document and service disagree: %v", err)
	}
}

func checkAnswer(t *testing.T, status int, header http.Header, raw []byte) answer {
	t.Helper()
	got := answer{status: status, header: header, raw: string(raw)}
	if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json; body %s", ct, raw)
	}
	if err := json.Unmarshal(raw, &got.body); err != nil || got.body == nil {
		t.Fatalf("body is not a JSON object (%v): %q", err, raw)
	}
	if ok, isBool := got.body["ok"].(bool); !isBool || ok != (status == http.StatusOK) {
		t.Errorf("ok = %#v with status %d, want a boolean true exactly on 200", got.body["ok"], status)
	}
	if header.Get(httpapi.RequestIDHeader) == "" {
		t.Errorf("answer with status %d has no %s", status, httpapi.RequestIDHeader)
	}
	secrettest.CheckAnswer(t, "the service", raw, plainPasswords)
	return got
}

// call posts args as a JSON body with the valid token.
func (a *api) call(t *testing.T, method, body string) answer {
	t.Helper()
	return a.serve(t, a.request(http.MethodPost, method, "application/json", body))
}

// plainPasswords are every password the tests send; none may come back.
var plainPasswords = []string{johnPassword, janePassword, createPassword, changedPassword, resetPassword}

// assertLogsHoldNoPassword checks every log line of a test for the plain
// passwords it sent.
func assertLogsHoldNoPassword(t *testing.T, logs *observer.ObservedLogs) {
	t.Helper()
	for _, e := range logs.All() {
		line, _ := json.Marshal(e.ContextMap())
		for _, p := range plainPasswords {
			if strings.Contains(e.Message, p) || strings.Contains(string(line), p) {
				t.Errorf("log line %q holds a plain password: %s", e.Message, line)
			}
		}
	}
}

// addCustomer stores a customer through the real use case, as a fixture.
func (a *api) addCustomer(t *testing.T, email, password string, tags ...string) string {
	t.Helper()
	c, err := a.create.Handle(context.Background(), application.CreateCustomerCommand{Customer: domain.NewCustomerInput{
		Email: email, Password: password, FirstName: "John", LastName: "Doe", Tags: tags,
	}})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID()
}

func (a *api) stored(t *testing.T, id string) domain.CustomerSnapshot {
	t.Helper()
	c, err := a.repo.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("stored customer %s: %v", id, err)
	}
	return c.Snapshot()
}

// accessLogs returns the one access log line per request.
func (a *api) accessLogs() []observer.LoggedEntry {
	return a.logs.FilterMessage("request").AllUntimed()
}

// accessLine is what the access log line of one request must say.
type accessLine struct {
	requestID  string
	httpMethod string
	method     string // the RPC method; "" when the path names none
	status     int
	errorCode  string // "" on success
}

// assertAccessLog checks the test's one request left exactly one access
// log line, saying want.
func assertAccessLog(t *testing.T, a *api, want accessLine) {
	t.Helper()
	lines := a.accessLogs()
	if len(lines) != 1 {
		t.Fatalf("%d access log lines, want 1", len(lines))
	}
	f := lines[0].ContextMap()
	errorCode, _ := f["error"].(string)
	if f["request_id"] != want.requestID || f["http_method"] != want.httpMethod || f["method"] != want.method ||
		f["status"] != int64(want.status) || errorCode != want.errorCode {
		t.Errorf("access log = %v, want %+v", f, want)
	}
}

// customerOf returns the "customer" object of a success answer.
func customerOf(t *testing.T, got answer) map[string]any {
	t.Helper()
	c, ok := got.body["customer"].(map[string]any)
	if got.status != http.StatusOK || !ok {
		t.Fatalf("status %d, body %s: want a customer", got.status, got.raw)
	}
	return c
}

// assertError checks a failure answer: status, code and data, where
// wantData is JSON ("" for no data).
func assertError(t *testing.T, got answer, status int, code, wantData string) {
	t.Helper()
	if got.status != status || got.body["error"] != code {
		t.Fatalf("status %d error %v, want %d %s; body %s", got.status, got.body["error"], status, code, got.raw)
	}
	data, has := got.body["data"]
	if wantData == "" {
		if has {
			t.Fatalf("data = %v, want none", data)
		}
		return
	}
	var want any
	if err := json.Unmarshal([]byte(wantData), &want); err != nil {
		t.Fatalf("bad wantData %q: %v", wantData, err)
	}
	if !reflect.DeepEqual(data, want) {
		got, _ := json.Marshal(data)
		t.Fatalf("data = %s, want %s", got, wantData)
	}
}

// fill replaces {name} placeholders in s.
func fill(s string, vars map[string]string) string {
	for k, v := range vars {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}
