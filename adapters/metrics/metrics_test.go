package metrics

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.mongodb.org/mongo-driver/v2/event"
	_ "modernc.org/sqlite"

	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/adapters/token"
	"github.com/microbase-io/customer-service/application"
)

func assertMetrics(t *testing.T, m *Metrics, want string, names ...string) {
	t.Helper()
	if err := testutil.GatherAndCompare(m.registry, strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}
}

func TestRequestsAreCountedByMethodStatusAndCode(t *testing.T) {
	m := New()
	for _, r := range []httpapi.ServedRequest{
		{Method: "customer.update", Status: 200, Duration: 3 * time.Millisecond},
		{Method: "customer.update", Status: 200, Duration: 30 * time.Millisecond},
		{Method: "customer.update", Status: 409, ErrorCode: "duplicate_key", Duration: 2 * time.Millisecond},
		{Method: httpapi.UnknownMethod, Status: 404, ErrorCode: "unknown_method"},
	} {
		m.RequestServed(r)
	}
	assertMetrics(t, m, `
# HELP customer_http_requests_total Requests answered, by RPC method ("unknown" for a path that names none), HTTP status and MicroBase error code ("" on success).
# TYPE customer_http_requests_total counter
customer_http_requests_total{code="",method="customer.update",status="200"} 2
customer_http_requests_total{code="duplicate_key",method="customer.update",status="409"} 1
customer_http_requests_total{code="unknown_method",method="unknown",status="404"} 1
`, "customer_http_requests_total")
	if n := testutil.CollectAndCount(m.http.duration, "customer_http_request_duration_seconds"); n != 2 {
		t.Errorf("%d latency histograms, want one per method (2)", n)
	}
	if got := histogramCount(t, m, "customer_http_request_duration_seconds", "method", "customer.update"); got != 3 {
		t.Errorf("customer.update latency counted %d requests, want 3", got)
	}
}

// A request answered but not written whole counts among the requests by
// its status, and among the write failures by its reason.
func TestAnswersNotWrittenWholeAreCountedByMethodAndReason(t *testing.T) {
	m := New()
	for _, r := range []httpapi.ServedRequest{
		{Method: "customer.list", Status: 200, Bytes: 4 << 20},
		{Method: "customer.list", Status: 200, Bytes: 1 << 20, WriteFailure: httpapi.WriteTimeout},
		{Method: "customer.list", Status: 200, Bytes: 0, WriteFailure: httpapi.WriteTimeout},
		{Method: "customer.update", Status: 408, ErrorCode: "request_timeout", WriteFailure: httpapi.WriteConnectionClosed},
	} {
		m.RequestServed(r)
	}
	assertMetrics(t, m, `
# HELP customer_http_write_failures_total Answers not written whole, by RPC method and reason (timeout: the client read too slowly; connection_closed: it went away).
# TYPE customer_http_write_failures_total counter
customer_http_write_failures_total{method="customer.list",reason="timeout"} 2
customer_http_write_failures_total{method="customer.update",reason="connection_closed"} 1
`, "customer_http_write_failures_total")
	assertMetrics(t, m, `
# HELP customer_http_requests_total Requests answered, by RPC method ("unknown" for a path that names none), HTTP status and MicroBase error code ("" on success).
# TYPE customer_http_requests_total counter
customer_http_requests_total{code="",method="customer.list",status="200"} 3
customer_http_requests_total{code="request_timeout",method="customer.update",status="408"} 1
`, "customer_http_requests_total")
}

func TestTokenRefusalsAreCountedByReasonFromZero(t *testing.T) {
	m := New()
	m.TokenRefused(token.ReasonExpired)
	m.TokenRefused(token.ReasonExpired)
	m.TokenRefused(token.ReasonScope)
	assertMetrics(t, m, `
# HELP customer_auth_failures_total Tokens refused, by reason (missing, malformed, bad_signature, expired, not_yet_valid, lifetime, crit, scope).
# TYPE customer_auth_failures_total counter
customer_auth_failures_total{reason="bad_signature"} 0
customer_auth_failures_total{reason="crit"} 0
customer_auth_failures_total{reason="expired"} 2
customer_auth_failures_total{reason="lifetime"} 0
customer_auth_failures_total{reason="malformed"} 0
customer_auth_failures_total{reason="missing"} 0
customer_auth_failures_total{reason="not_yet_valid"} 0
customer_auth_failures_total{reason="scope"} 1
`, "customer_auth_failures_total")
}

func TestKeptTokensAreCountedAsTheVerifierUsesThem(t *testing.T) {
	secret := []byte("metrics-test-secret-0123456789abcdef")
	v, err := token.NewVerifier([][]byte{secret}, "api", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	m := New()
	m.ObserveKeptTokens(v)
	iss, err := token.NewIssuer(secret, "metrics-test")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := iss.Issue("client", []string{"api"}, time.Minute, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, header := range []string{"Bearer " + tok, "Bearer " + tok, "Bearer " + tok, "Bearer not-a-token"} {
		_, _ = v.Verify(header)
	}
	assertMetrics(t, m, `
# HELP customer_auth_kept_token_uses_total Calls whose token, accepted before, was found kept: no signature check or decoding, the checks against the clock only.
# TYPE customer_auth_kept_token_uses_total counter
customer_auth_kept_token_uses_total 2
# HELP customer_auth_token_decodes_total Calls whose token was not kept and was parsed: refused, or accepted (and then kept, unless longer than 2 KiB).
# TYPE customer_auth_token_decodes_total counter
customer_auth_token_decodes_total 2
# HELP customer_auth_kept_tokens Accepted tokens whose decoding is kept (at most 1,024; the least recently used goes first).
# TYPE customer_auth_kept_tokens gauge
customer_auth_kept_tokens 1
`, "customer_auth_kept_token_uses_total", "customer_auth_token_decodes_total", "customer_auth_kept_tokens")
}

func TestMongoCommandsAreTimedAndFailuresCountedByCommandName(t *testing.T) {
	m := New()
	mon, _ := m.MongoDBMonitors()
	ctx := context.Background()
	finished := func(name string) event.CommandFinishedEvent {
		return event.CommandFinishedEvent{CommandName: name, DatabaseName: "customer", Duration: time.Millisecond}
	}
	mon.Succeeded(ctx, &event.CommandSucceededEvent{CommandFinishedEvent: finished("find")})
	mon.Succeeded(ctx, &event.CommandSucceededEvent{CommandFinishedEvent: finished("findAndModify")})
	mon.Failed(ctx, &event.CommandFailedEvent{CommandFinishedEvent: finished("findAndModify"), Failure: errors.New("E11000 duplicate key: customers.email_1 dup key: ada@example.com")})
	mon.Failed(ctx, &event.CommandFailedEvent{CommandFinishedEvent: finished("find customers where"), Failure: errors.New("x")})

	assertMetrics(t, m, `
# HELP customer_mongodb_command_failures_total MongoDB commands that failed, by command name.
# TYPE customer_mongodb_command_failures_total counter
customer_mongodb_command_failures_total{command="findAndModify"} 1
customer_mongodb_command_failures_total{command="other"} 1
`, "customer_mongodb_command_failures_total")
	for command, want := range map[string]uint64{"find": 1, "findAndModify": 2, "other": 1} {
		if got := histogramCount(t, m, "customer_mongodb_command_duration_seconds", "command", command); got != want {
			t.Errorf("%s timed %d times, want %d", command, got, want)
		}
	}
}

func TestPoolGaugesFollowTheDriversConnections(t *testing.T) {
	m := New()
	_, pool := m.MongoDBMonitors()
	events := func(types ...string) {
		for _, typ := range types {
			e := &event.PoolEvent{Type: typ, Address: "db:27017", Duration: time.Millisecond}
			if typ == event.ConnectionPoolCreated {
				e.PoolOptions = &event.MonitorPoolOptions{MaxPoolSize: 100}
			}
			pool.Event(e)
		}
	}
	gauges := func(inUse, idle, waiting int) string {
		return strings.NewReplacer("IN_USE", strconv.Itoa(inUse), "IDLE", strconv.Itoa(idle), "WAITING", strconv.Itoa(waiting)).Replace(`
# HELP customer_mongodb_pool_connections Connections of the MongoDB pool, by state: in_use (checked out) or idle.
# TYPE customer_mongodb_pool_connections gauge
customer_mongodb_pool_connections{state="idle"} IDLE
customer_mongodb_pool_connections{state="in_use"} IN_USE
# HELP customer_mongodb_pool_max_connections The most connections one MongoDB pool opens (maxPoolSize; 0 is no limit).
# TYPE customer_mongodb_pool_max_connections gauge
customer_mongodb_pool_max_connections 100
# HELP customer_mongodb_pool_waiting Commands waiting for a connection of the MongoDB pool.
# TYPE customer_mongodb_pool_waiting gauge
customer_mongodb_pool_waiting WAITING
`)
	}
	names := []string{"customer_mongodb_pool_connections", "customer_mongodb_pool_max_connections", "customer_mongodb_pool_waiting"}

	events(event.ConnectionPoolCreated, event.ConnectionCreated, event.ConnectionCreated, event.ConnectionCreated,
		event.ConnectionCheckOutStarted, event.ConnectionCheckedOut, event.ConnectionCheckOutStarted, event.ConnectionCheckedOut)
	assertMetrics(t, m, gauges(2, 1, 0), names...)

	events(event.ConnectionCheckOutStarted, event.ConnectionCheckOutStarted, event.ConnectionCheckOutFailed)
	assertMetrics(t, m, gauges(2, 1, 1), names...)

	events(event.ConnectionCheckedIn, event.ConnectionClosed, event.ConnectionClosed)
	assertMetrics(t, m, gauges(1, 0, 1), names...)

	if got := histogramCount(t, m, "customer_mongodb_pool_wait_duration_seconds", "", ""); got != 3 {
		t.Errorf("pool waits counted %d, want 3 (two check-outs, one failure)", got)
	}
}

func TestOutboxHooksSetTheBacklogAndCountPublishFailures(t *testing.T) {
	m := New()
	var recorder OutboxRecorder = m
	recorder.RecordOutboxBacklog(7)
	recorder.RecordOutboxBacklog(3)
	recorder.RecordPublishFailure()
	recorder.RecordPublishFailure()
	assertMetrics(t, m, `
# HELP customer_outbox_backlog Customers with events waiting in the outbox to be published, as last counted.
# TYPE customer_outbox_backlog gauge
customer_outbox_backlog 3
# HELP customer_outbox_publish_failures_total Attempts to publish an event of the outbox that failed.
# TYPE customer_outbox_publish_failures_total counter
customer_outbox_publish_failures_total 2
`, "customer_outbox_backlog", "customer_outbox_publish_failures_total")
}

func TestPasswordWorkIsCountedAsTheApplicationReportsIt(t *testing.T) {
	m := New()
	var o application.PasswordObserver = m
	o.BcryptSlotsInUse(1, 2)
	o.BcryptSlotsInUse(2, 2)
	o.BcryptWaited()
	o.BcryptWaited()
	o.BcryptRefused()
	o.BcryptSlotsInUse(1, 2)
	o.UnknownEmailsTracked(42)
	assertMetrics(t, m, `
# HELP customer_bcrypt_refusals_total Password calls that got no bcrypt slot before their deadline, answered service_busy.
# TYPE customer_bcrypt_refusals_total counter
customer_bcrypt_refusals_total 1
# HELP customer_bcrypt_slots bcrypt computations that may run at once (CUSTOMER_BCRYPT_SLOTS).
# TYPE customer_bcrypt_slots gauge
customer_bcrypt_slots 2
# HELP customer_bcrypt_slots_in_use bcrypt computations (password checks and new hashes) running now.
# TYPE customer_bcrypt_slots_in_use gauge
customer_bcrypt_slots_in_use 1
# HELP customer_bcrypt_waits_total Password calls that found every bcrypt slot taken and queued.
# TYPE customer_bcrypt_waits_total counter
customer_bcrypt_waits_total 2
# HELP customer_login_unknown_emails Emails nobody has whose failed sign-ins the lockout table holds (bounded; the least recently tried goes first).
# TYPE customer_login_unknown_emails gauge
customer_login_unknown_emails 42
`, "customer_bcrypt_refusals_total", "customer_bcrypt_slots", "customer_bcrypt_slots_in_use", "customer_bcrypt_waits_total", "customer_login_unknown_emails")
}

func TestHandlerServesTheServiceRuntimeAndBuildInformation(t *testing.T) {
	m := New()
	m.RequestServed(httpapi.ServedRequest{Method: "micro.ping", Status: 200})
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape answered %d: %s", resp.StatusCode, body)
	}
	for _, want := range []string{
		`customer_http_requests_total{code="",method="micro.ping",status="200"} 1`,
		"go_goroutines ", "go_memstats_heap_inuse_bytes ", "go_build_info{", "process_start_time_seconds ",
		"customer_outbox_backlog 0",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the scrape has no %q", want)
		}
	}
}

// A service exposes the metrics of the store it runs on, and no empty
// series of the other.
func TestStoreMetricsAreThoseOfTheStoreInUse(t *testing.T) {
	exposed := func(m *Metrics) map[string]bool {
		families, err := m.registry.Gather()
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]bool{}
		for _, f := range families {
			names[f.GetName()] = true
		}
		return names
	}
	sqlite := New()
	sqlite.ObserveSQLPools(openPool(t), openPool(t))
	sqlite.SQLiteCheckpoints()(SQLiteCheckpoint{Mode: "PASSIVE", Outcome: "done"})
	if got := exposed(sqlite); !got["go_sql_open_connections"] || !got["go_sql_wait_duration_seconds_total"] ||
		!got["customer_sqlite_checkpoints_total"] || got["customer_mongodb_pool_connections"] {
		t.Errorf("on SQLite: %v, want go_sql_*, customer_sqlite_* and no customer_mongodb_*", got)
	}
	if got := sample(t, sqlite, "go_sql_max_open_connections", "db_name", "write"); got != 1 {
		t.Errorf("the write pool holds at most %v connections, want 1", got)
	}
	mongo := New()
	mongo.MongoDBMonitors()
	if got := exposed(mongo); !got["customer_mongodb_pool_connections"] || got["go_sql_open_connections"] || got["customer_sqlite_checkpoints_total"] {
		t.Errorf("on MongoDB: %v, want customer_mongodb_* and no go_sql_* or customer_sqlite_*", got)
	}
}

// The WAL's gauges hold what the last checkpoint that knew them saw; a
// failed checkpoint counts without erasing them.
func TestCheckpointsAreTimedByModeAndCountedByOutcome(t *testing.T) {
	m := New()
	record := m.SQLiteCheckpoints()
	for _, c := range []SQLiteCheckpoint{
		{Mode: "PASSIVE", Outcome: "done", Took: 2 * time.Millisecond, WALBytes: 8 << 20, WALPages: 2000, PagesLeft: 3},
		{Mode: "RESTART", Outcome: "busy", Took: 100 * time.Millisecond, WALBytes: 8 << 20, WALPages: -1, PagesLeft: -1},
		{Mode: "PASSIVE", Outcome: "failed", Took: time.Millisecond, WALBytes: -1, WALPages: -1, PagesLeft: -1},
	} {
		record(c)
	}
	assertMetrics(t, m, `
# HELP customer_sqlite_checkpoints_total Checkpoints of the WAL, by mode and outcome (done, busy: another connection kept it from finishing, failed).
# TYPE customer_sqlite_checkpoints_total counter
customer_sqlite_checkpoints_total{mode="PASSIVE",outcome="done"} 1
customer_sqlite_checkpoints_total{mode="PASSIVE",outcome="failed"} 1
customer_sqlite_checkpoints_total{mode="RESTART",outcome="busy"} 1
# HELP customer_sqlite_wal_bytes Size of the WAL file at the last checkpoint.
# TYPE customer_sqlite_wal_bytes gauge
customer_sqlite_wal_bytes 8.388608e+06
# HELP customer_sqlite_wal_pages Pages the WAL held at the last checkpoint, since it last started from its beginning.
# TYPE customer_sqlite_wal_pages gauge
customer_sqlite_wal_pages 2000
# HELP customer_sqlite_wal_pages_left Pages of the WAL not yet copied into the database file at the last checkpoint.
# TYPE customer_sqlite_wal_pages_left gauge
customer_sqlite_wal_pages_left 3
`, "customer_sqlite_checkpoints_total", "customer_sqlite_wal_bytes", "customer_sqlite_wal_pages", "customer_sqlite_wal_pages_left")
	if n := testutil.CollectAndCount(m.registry, "customer_sqlite_checkpoint_duration_seconds"); n != 2 {
		t.Errorf("%d duration histograms, want one per mode (2)", n)
	}
}

// openPool is a pool like the store's write pool: one connection.
func openPool(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// sample is the value of the gauge series of name whose label has value.
func sample(t *testing.T, m *Metrics, name, label, value string) float64 {
	t.Helper()
	families, err := m.registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		for _, s := range f.GetMetric() {
			for _, l := range s.GetLabel() {
				if f.GetName() == name && l.GetName() == label && l.GetValue() == value {
					return s.GetGauge().GetValue()
				}
			}
		}
	}
	return -1
}

func TestMetricsFollowPrometheusNamingConventions(t *testing.T) {
	m := New()
	m.RequestServed(httpapi.ServedRequest{Method: "micro.ping", Status: 200})
	commands, _ := m.MongoDBMonitors()
	m.ObserveSQLPools(openPool(t), openPool(t))
	m.SQLiteCheckpoints()(SQLiteCheckpoint{Mode: "PASSIVE", Outcome: "done"})
	commands.Failed(context.Background(), &event.CommandFailedEvent{CommandFinishedEvent: event.CommandFinishedEvent{CommandName: "ping"}})
	problems, err := testutil.GatherAndLint(m.registry)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		if strings.HasPrefix(p.Metric, namespace+"_") {
			t.Errorf("%s: %s", p.Metric, p.Text)
		}
	}
}

// Every request goroutine reports at once; the race detector watches.
func TestReportingIsSafeFromManyGoroutines(t *testing.T) {
	m := New()
	_, pool := m.MongoDBMonitors()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				m.RequestServed(httpapi.ServedRequest{Method: "customer.info", Status: 200})
				m.TokenRefused(token.ReasonMissing)
				pool.Event(&event.PoolEvent{Type: event.ConnectionCheckedOut})
				pool.Event(&event.PoolEvent{Type: event.ConnectionCheckedIn})
			}
		})
	}
	wg.Wait()
	assertMetrics(t, m, `
# HELP customer_http_requests_total Requests answered, by RPC method ("unknown" for a path that names none), HTTP status and MicroBase error code ("" on success).
# TYPE customer_http_requests_total counter
customer_http_requests_total{code="",method="customer.info",status="200"} 800
`, "customer_http_requests_total")
}

// histogramCount is the sample count of the histogram series of name
// whose label has value (any series when label is "").
func histogramCount(t *testing.T, m *Metrics, name, label, value string) uint64 {
	t.Helper()
	families, err := m.registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, s := range f.GetMetric() {
			if label == "" {
				return s.GetHistogram().GetSampleCount()
			}
			for _, l := range s.GetLabel() {
				if l.GetName() == label && l.GetValue() == value {
					return s.GetHistogram().GetSampleCount()
				}
			}
		}
	}
	return 0
}
