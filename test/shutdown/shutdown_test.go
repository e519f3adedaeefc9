// Package shutdown checks how the service binary stops: built as
// `make build` builds it and run as a process on its embedded store, it
// receives SIGTERM while clients are mid-request.
package shutdown

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/test/support/servicetest"
	"github.com/microbase-io/customer-service/test/support/storetest"
	"github.com/microbase-io/customer-service/test/support/workload"
)

const (
	clients = 64
	// shutdownTimeout is the drain bound the service runs with; the
	// request deadline is as long, so that no request in flight is cut by
	// its own deadline rather than by the shutdown. The 16 creating
	// clients queue for one bcrypt slot on two cores (about 4 s here);
	// the bound leaves room for a machine several times slower.
	shutdownTimeout = 60 * time.Second
	// exitMargin is what stopping may take after the drain: closing the
	// database connections and the embedded store, on a busy machine.
	exitMargin = 15 * time.Second
	// bcryptCost makes every create cost a few hundred milliseconds of
	// CPU, so that many are still running when the signal comes.
	bcryptCost = "12"
)

// A call as its client saw it.
type call struct {
	id, method string
	start, end time.Time
	status     int
	answer     []byte
	err        error
	customerID string // of an ok answer
}

func (c call) refused() bool { return errors.Is(c.err, syscall.ECONNREFUSED) }

// SIGTERM while 64 clients are mid-request: every request the service had
// read gets its real answer, connections made after the listener closed
// are refused, the process exits 0 within its drain bound, and every
// customer it said it created is stored.
func TestSIGTERMDrainsRequestsInFlightAndRefusesNewConnections(t *testing.T) {
	bin := servicetest.BuildBinary(t)
	dataDir := t.TempDir()
	svc := servicetest.StartProcess(t, bin, servicetest.Settings(dataDir,
		"CUSTOMER_BCRYPT_COST="+bcryptCost,
		"CUSTOMER_SHUTDOWN_TIMEOUT="+shutdownTimeout.String(),
		"CUSTOMER_REQUEST_TIMEOUT="+shutdownTimeout.String(),
	)...)
	api := svc.Client(t)
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = clients
	httpClient := &http.Client{Transport: transport, Timeout: workload.DefaultCallTimeout + shutdownTimeout}

	// Customers to update and read.
	var seeded []string
	for i := range 8 {
		c := send(httpClient, api, fmt.Sprintf("seed-%d", i), "customer.create", map[string]any{
			"email": fmt.Sprintf("seed%d@shutdown.example", i), "password": "s3cret-pass", "firstName": "S", "lastName": "D",
		})
		if c.customerID == "" {
			t.Fatalf("seeding: %d %s %v", c.status, c.answer, c.err)
		}
		seeded = append(seeded, c.customerID)
	}

	var (
		mu       sync.Mutex
		calls    []call
		answered = make(chan struct{}, clients)
	)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for n := 0; ; n++ {
				id := fmt.Sprintf("c%02d-n%04d", c, n)
				var r call
				switch c % 4 {
				case 0:
					r = send(httpClient, api, id, "customer.create", map[string]any{
						"email": fmt.Sprintf("%s@shutdown.example", id), "password": "s3cret-pass", "firstName": "C", "lastName": id,
					})
				case 3:
					r = send(httpClient, api, id, "customer.info", map[string]any{"id": seeded[n%len(seeded)]})
				default:
					r = send(httpClient, api, id, "customer.update", map[string]any{"id": seeded[c%len(seeded)], "lastName": id})
				}
				mu.Lock()
				calls = append(calls, r)
				mu.Unlock()
				select {
				case answered <- struct{}{}:
				default:
				}
				select {
				case <-svc.Exited:
					return
				default:
				}
				if r.refused() {
					return
				}
			}
		})
	}

	// The creates, all started at once, share the CPU and finish nearly
	// together. The signal comes once they have all answered once and the
	// load is established: every client is then mid-request, the creates
	// at the start of their bcrypt work, so that draining takes a while.
	for established := false; !established; {
		select {
		case <-answered:
		case <-svc.Exited:
			t.Fatalf("the service exited under load:\n%s", svc.Output())
		}
		mu.Lock()
		creates := 0
		for _, c := range calls {
			if c.method == "customer.create" && c.status != 0 {
				creates++
			}
		}
		established = len(calls) >= 2*clients && creates >= clients/4
		mu.Unlock()
	}
	signalled := time.Now()
	if err := svc.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	// One prober, dialling in sequence so that the order of its dials is
	// certain: once refused, never accepted again.
	var firstRefusal time.Time
	var probes, acceptedAfterRefusal int
	probed := make(chan struct{})
	go func() {
		defer close(probed)
		for {
			select {
			case <-svc.Exited:
				return
			default:
			}
			conn, err := net.DialTimeout("tcp", svc.Addr, time.Second)
			probes++
			switch {
			case err == nil:
				_ = conn.Close()
				if !firstRefusal.IsZero() {
					acceptedAfterRefusal++
				}
			case errors.Is(err, syscall.ECONNREFUSED) && firstRefusal.IsZero():
				firstRefusal = time.Now()
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()

	code := svc.ExitCode(t, shutdownTimeout+exitMargin)
	exited := time.Now()
	wg.Wait()
	<-probed
	if code != 0 {
		t.Errorf("the service exited with %d, want 0", code)
	}

	logged := svc.AccessLogged()
	var before, inFlight, drained, refused, unread int
	var lastAnswer time.Time
	var created []string
	inFlightBy, drainedBy := map[string]int{}, map[string]int{}
	for _, c := range calls {
		switch {
		case c.end.Before(signalled):
			before++
		case c.start.Before(signalled):
			inFlight++
			inFlightBy[c.method]++
		}
		switch {
		case c.status != 0:
			if c.end.After(signalled) {
				drained++
				drainedBy[fmt.Sprintf("%s %d", c.method, c.status)]++
				lastAnswer = later(lastAnswer, c.end)
			}
			if c.customerID == "" {
				t.Errorf("%s %s answered %d %s, want ok with its customer", c.method, c.id, c.status, c.answer)
			} else if c.method == "customer.create" {
				created = append(created, c.customerID)
			}
			if !logged[c.id] {
				t.Errorf("%s %s was answered but is not in the access log, so the log cannot tell which requests were read", c.method, c.id)
			}
		case c.refused():
			refused++
			if c.end.Before(signalled) {
				t.Errorf("%s %s was refused before SIGTERM", c.method, c.id)
			}
		default:
			// A connection the service closed without reading the request
			// on it: one it had not accepted yet, or an idle keep-alive
			// connection closed by the shutdown just as the client reused
			// it. Either way the request was never read, so it must not be
			// in the access log.
			unread++
			if logged[c.id] {
				t.Errorf("%s %s was read by the service but its client got no answer: %v", c.method, c.id, c.err)
			}
			if c.end.Before(signalled) {
				t.Errorf("%s %s got no answer before SIGTERM: %v", c.method, c.id, c.err)
			}
		}
	}

	t.Logf("%d clients, %d calls answered before SIGTERM; %d in flight at SIGTERM: %v", clients, before, inFlight, inFlightBy)
	t.Logf("after SIGTERM: %d answered (the last %s after it): %v; %d refused, %d closed unread",
		drained, lastAnswer.Sub(signalled).Round(time.Millisecond), drainedBy, refused, unread)
	t.Logf("prober: first refusal %s after SIGTERM, %d dials, %d accepted after a refusal; exit %d after %s (bound %s)",
		firstRefusal.Sub(signalled).Round(time.Millisecond), probes, acceptedAfterRefusal, code,
		exited.Sub(signalled).Round(time.Millisecond), shutdownTimeout+exitMargin)

	if drained == 0 {
		t.Errorf("no request was answered after SIGTERM: nothing was in flight to drain")
	}
	if firstRefusal.IsZero() || !firstRefusal.Before(lastAnswer) {
		t.Errorf("new connections were not refused while requests in flight were finishing (first refusal %v, last answer %v)",
			firstRefusal, lastAnswer)
	}
	if acceptedAfterRefusal != 0 {
		t.Errorf("%d connections were accepted after one was refused", acceptedAfterRefusal)
	}
	if strings.Contains(svc.Output(), "panic") {
		t.Errorf("the service logged a panic")
	}

	missing := missingCustomers(t, dataDir, created)
	t.Logf("acknowledged creates checked in the stopped service's store: %d, missing: %d", len(created), missing)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// send calls method with the request id id, never failing the test.
func send(client *http.Client, api servicetest.Client, id, method string, args map[string]any) call {
	body, _ := json.Marshal(args)
	req, err := http.NewRequest(http.MethodPost, api.URL+method, bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+api.Token)
	req.Header.Set(httpapi.RequestIDHeader, id)
	c := call{id: id, method: method, start: time.Now()}
	resp, err := client.Do(req)
	if err == nil {
		c.answer, err = io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		c.status = resp.StatusCode
	}
	c.end, c.err = time.Now(), err
	var ok struct {
		OK       bool `json:"ok"`
		Customer struct {
			ID string `json:"id"`
		} `json:"customer"`
	}
	if err == nil && c.status == http.StatusOK && json.Unmarshal(c.answer, &ok) == nil && ok.OK {
		c.customerID = ok.Customer.ID
	}
	return c
}

// missingCustomers reads the stopped service's store and reports every id
// of ids it does not hold.
func missingCustomers(t *testing.T, dataDir string, ids []string) int {
	t.Helper()
	store := storetest.SQLite(dataDir)
	missing := 0
	for _, id := range ids {
		if _, err := workload.StoredCustomer(t.Context(), store, id); err != nil {
			missing++
			t.Errorf("acknowledged create: %v", err)
		}
	}
	return missing
}
