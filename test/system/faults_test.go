package system

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/test/support/servicetest"
	"github.com/microbase-io/customer-service/test/support/storetest"
	"github.com/microbase-io/customer-service/test/support/workload"
)

const (
	// faultDeadline is the request deadline the service runs with here,
	// short so that the test is.
	faultDeadline = 2 * time.Second
	// answerMargin is what an answer may take beyond the deadline on a
	// busy machine. It is a bound on each request, not a measure of speed:
	// a request that hangs runs into workload.DefaultCallTimeout (30 s).
	answerMargin = 3 * time.Second
	// phaseBound bounds each wait for the load to make progress, so that
	// a stuck run fails instead of waiting for go test's timeout.
	phaseBound = 2 * time.Minute
)

// The database goes away while a load of creates, updates and reads runs
// against the service: first it freezes (docker pause: connections stay
// open and nothing answers, as with a hung server or a partition), then it
// stops (connections refused, its name no longer resolves), then it comes
// back. Meanwhile every request must answer within its deadline, with
// 503 database_unavailable while the database is away; readiness must
// say not ready and liveness alive; and afterwards the same process must
// serve again and every write it acknowledged must be in the database.
func TestDatabaseFaultsAnswer503InTimeAndLoseNoAcknowledgedWrite(t *testing.T) {
	d := deploy(t)
	d.env["CUSTOMER_REQUEST_TIMEOUT"] = faultDeadline.String()
	svc, api := d.startService(t, "customer")
	admin := svc.AdminURL(t)
	process := svc.Process(t)

	load := startFaultLoad(t, api)
	begun := time.Now()
	var probes []string
	probe := func(phase string, wantReady int) {
		for _, p := range []struct {
			path string
			want int
		}{{"/readyz", wantReady}, {"/healthz", http.StatusOK}} {
			status, took := adminGet(t, admin+p.path)
			probes = append(probes, fmt.Sprintf("%s %s %d in %s", phase, p.path, status, took.Round(time.Millisecond)))
			if status != p.want || took > faultDeadline+answerMargin {
				t.Errorf("%s: %s answered %d after %s, want %d", phase, p.path, status, took, p.want)
			}
		}
	}

	load.awaitAnswers(t, time.Time{}, 100)
	probe("before", http.StatusOK)

	d.db.Pause(t)
	paused := time.Now()
	probe("paused", http.StatusServiceUnavailable)
	load.awaitAnswers(t, paused, 40)

	stopping := time.Now()
	d.db.Stop(t)
	stopped := time.Now()
	probe("stopped", http.StatusServiceUnavailable)
	load.awaitAnswers(t, stopped, 40)

	starting := time.Now()
	d.db.Start(t)
	ready := awaitReady(t, admin)
	probe("recovered", http.StatusOK)
	load.awaitAnswers(t, ready, 100)
	results := load.stop()

	// Every request answered in time, and only with what the contract
	// allows; while the database was surely away (the request began after
	// the fault and ended before it was lifted), only with 503.
	phases := []struct {
		name       string
		from, to   time.Time
		onlyStatus int
	}{
		{"before the fault", begun, paused, 0},
		{"database paused", paused, stopping, http.StatusServiceUnavailable},
		{"database stopping", stopping, stopped, 0},
		{"database stopped", stopped, starting, http.StatusServiceUnavailable},
		{"database restarting", starting, ready, 0},
		{"after /readyz said ready", ready, time.Now(), http.StatusOK},
	}
	tallies := make([]workload.Tally, len(phases))
	inside := make([]int, len(phases))
	for _, r := range results {
		end := r.Start.Add(r.Latency)
		for i, p := range phases {
			if r.Start.Before(p.from) || !r.Start.Before(p.to) {
				continue
			}
			tallies[i].Add(r)
			if p.onlyStatus != 0 && !end.After(p.to) {
				inside[i]++
				if r.Status != p.onlyStatus {
					t.Errorf("%s: %s began %s in and answered %s, want %d", p.name, r.Method,
						r.Start.Sub(p.from).Round(time.Millisecond), r.Outcome(), p.onlyStatus)
				}
			}
		}
		switch outcome := r.Outcome(); {
		case r.Latency > faultDeadline+answerMargin:
			t.Errorf("%s answered %s after %s, beyond the deadline %s", r.Method, outcome, r.Latency, faultDeadline)
		case outcome != "200" && outcome != "503 database_unavailable":
			t.Errorf("%s answered %s: %s", r.Method, outcome, r.Raw)
		}
	}
	for i, p := range phases {
		t.Logf("%s (%s): %s", p.name, p.to.Sub(p.from).Round(100*time.Millisecond), &tallies[i])
		if p.onlyStatus != 0 && inside[i] == 0 {
			t.Errorf("%s: no request ran entirely inside this phase; the test checked nothing there", p.name)
		}
	}
	t.Logf("probes: %s", strings.Join(probes, "; "))

	checked, lost := load.verify(t, d.database(t))
	t.Logf("acknowledged writes checked in the database: %d, lost: %d", checked, lost)

	after := svc.Process(t)
	if !after.Running || after.StartedAt != process.StartedAt || after.RestartCount != 0 {
		t.Errorf("the service did not ride out the fault in one process: before %+v, after %+v", process, after)
	}
	logs := svc.Logs(t)
	if strings.Contains(logs, "panic") {
		t.Errorf("the service logged a panic:\n%s", logs)
	}
	if t.Failed() {
		// The tail of the log that the container helper prints is mostly
		// access lines; the errors behind a 500 are what explains one.
		for line := range strings.Lines(logs) {
			if strings.Contains(line, `"unexpected error"`) {
				t.Log(line)
			}
		}
	}
}

// faultLoad keeps creating, updating and reading customers through one
// service, and remembers every write it was told succeeded.
type faultLoad struct {
	api    servicetest.Client
	caller *workload.Caller
	cancel context.CancelFunc
	wg     sync.WaitGroup

	paced <-chan time.Time // a call goes at each tick

	mu       sync.Mutex
	results  []workload.Result
	created  []workload.Customer // acknowledged creates
	owned    []workload.Customer // one per updater, as created
	lastSeq  []int               // per updater: last acknowledged, -1 for none
	sentSeq  []int               // per updater: last sent
	acked    []int               // per updater: acknowledged updates
	progress chan struct{}
}

const (
	faultCreators = 6
	faultUpdaters = 12
	faultReaders  = 6
	// faultRate is the calls a second the clients offer in all. The test
	// database (FerretDB on SQLite) serves about 75 a second on two
	// cores, fewer while other suites run: clients calling back to back
	// would measure its queue, which the request deadline turns into 503s
	// after the database is back as well as while it is away.
	faultRate = 40
)

func startFaultLoad(t *testing.T, api servicetest.Client) *faultLoad {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ticker := time.NewTicker(time.Second / faultRate)
	l := &faultLoad{api: api, caller: workload.NewCaller(t), cancel: cancel, paced: ticker.C, progress: make(chan struct{}, 1)}
	t.Cleanup(func() { l.stop(); ticker.Stop() })
	for i := range faultUpdaters {
		r := l.caller.Call(t.Context(), api, "customer.create", map[string]any{
			"email": fmt.Sprintf("owned%02d@faults.example", i), "password": "s3cret-pass", "firstName": "Owned", "lastName": "Seq -1",
		})
		c, err := r.Customer()
		if err != nil {
			t.Fatalf("seeding: %v: %s", err, r.Raw)
		}
		l.owned = append(l.owned, c)
		l.lastSeq = append(l.lastSeq, -1)
		l.sentSeq = append(l.sentSeq, -1)
		l.acked = append(l.acked, 0)
	}
	for w := range faultCreators {
		l.wg.Go(func() {
			for n := 0; ctx.Err() == nil; n++ {
				email := fmt.Sprintf("w%02d.n%05d@faults.example", w, n)
				r := l.call(ctx, "customer.create", map[string]any{"email": email, "password": "s3cret-pass", "firstName": "F", "lastName": "L"})
				if c, err := r.Customer(); err == nil {
					l.mu.Lock()
					l.created = append(l.created, c)
					l.mu.Unlock()
				}
			}
		})
	}
	for u := range faultUpdaters {
		l.wg.Go(func() {
			// The sequence number in lastName only grows: whatever an
			// unanswered update did, the stored one may not be below the
			// last acknowledged.
			for n := 0; ctx.Err() == nil; n++ {
				l.mu.Lock()
				l.sentSeq[u] = n
				l.mu.Unlock()
				r := l.call(ctx, "customer.update", map[string]any{"id": l.owned[u].ID, "lastName": fmt.Sprintf("Seq %d", n)})
				if r.OK() {
					l.mu.Lock()
					l.lastSeq[u], l.acked[u] = n, l.acked[u]+1
					l.mu.Unlock()
				}
			}
		})
	}
	for w := range faultReaders {
		l.wg.Go(func() {
			rnd := rand.New(rand.NewPCG(uint64(w), 0))
			for ctx.Err() == nil {
				l.call(ctx, "customer.info", map[string]any{"id": l.owned[rnd.IntN(len(l.owned))].ID})
			}
		})
	}
	return l
}

// call waits for its tick, calls and records the answer, unless the load
// was stopped under it.
func (l *faultLoad) call(ctx context.Context, method string, args map[string]any) workload.Result {
	select {
	case <-l.paced:
	case <-ctx.Done():
		return workload.Result{}
	}
	r := l.caller.Call(ctx, l.api, method, args)
	if ctx.Err() != nil && r.Status == 0 {
		return r
	}
	l.mu.Lock()
	l.results = append(l.results, r)
	l.mu.Unlock()
	select {
	case l.progress <- struct{}{}:
	default:
	}
	return r
}

// awaitAnswers waits until n answers came to calls begun at or after since.
func (l *faultLoad) awaitAnswers(t *testing.T, since time.Time, n int) {
	t.Helper()
	timeout := time.After(phaseBound)
	for {
		l.mu.Lock()
		got := 0
		for _, r := range l.results {
			if !r.Start.Before(since) {
				got++
			}
		}
		l.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-l.progress:
		case <-timeout:
			t.Fatalf("only %d answers in %s to calls begun since %s, want %d", got, phaseBound, since.Format(time.StampMilli), n)
		}
	}
}

// stop ends the load and returns every answer it got.
func (l *faultLoad) stop() []workload.Result {
	l.cancel()
	l.wg.Wait()
	l.caller.CloseIdle()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.results
}

// verify looks up every write the load was told succeeded, in db itself;
// call it after stop. checked counts acknowledged writes: each create,
// and each update (all of an updater's are checked at once: the version
// counts them, the stored sequence number covers the last).
func (l *faultLoad) verify(t *testing.T, db storetest.Inspector) (checked, lost int) {
	t.Helper()
	for _, c := range l.created {
		checked++
		stored, err := workload.StoredCustomer(t.Context(), db, c.ID)
		if err != nil || stored.Email != c.Email {
			lost++
			t.Errorf("acknowledged create of %s (%s): stored %+v, %v", c.ID, c.Email, stored, err)
		}
	}
	for u, c := range l.owned {
		checked += l.acked[u]
		stored, err := workload.StoredCustomer(t.Context(), db, c.ID)
		if err != nil {
			lost += l.acked[u]
			t.Errorf("%v", err)
			continue
		}
		var seq int
		if _, err := fmt.Sscanf(stored.LastName, "Seq %d", &seq); err != nil || seq < l.lastSeq[u] || seq > l.sentSeq[u] {
			lost++
			t.Errorf("customer %s holds lastName %q; the last update acknowledged was Seq %d, the last sent Seq %d",
				c.ID, stored.LastName, l.lastSeq[u], l.sentSeq[u])
		}
		// Updates that got no answer may have been applied too.
		if missing := c.Version + int64(l.acked[u]) - stored.Version; missing > 0 {
			lost += int(missing)
			t.Errorf("customer %s is at version %d, but %d updates since version %d were acknowledged",
				c.ID, stored.Version, l.acked[u], c.Version)
		}
	}
	return checked, lost
}

// awaitReady polls /readyz until the service says ready, and returns when.
func awaitReady(t *testing.T, admin string) time.Time {
	t.Helper()
	deadline := time.Now().Add(phaseBound)
	for {
		if status, _ := adminGet(t, admin+"/readyz"); status == http.StatusOK {
			return time.Now()
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz never said ready within %s of the database's return", phaseBound)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// adminGet GETs an admin endpoint; status 0 means no answer.
func adminGet(t *testing.T, url string) (status int, took time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), workload.DefaultCallTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, time.Since(start)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode, time.Since(start)
}
