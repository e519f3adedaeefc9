// Package processes runs the built service binary as processes on one
// data directory, as `make run` twice or a restarted container would:
// two serving at once, and one killed mid-load and started again. Only
// SQLite's own locking and its write-ahead log keep their writes whole.
package processes

import (
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/test/support/servicetest"
	"github.com/microbase-io/customer-service/test/support/storetest"
	"github.com/microbase-io/customer-service/test/support/workload"
)

// queueTimeout lets 32 clients queue for the write lock of one file; the
// queue is not what these tests are about.
const queueTimeout = "CUSTOMER_REQUEST_TIMEOUT=30s"

func TestTwoProcessesOnOneDataDirectoryLoseNoWrite(t *testing.T) {
	bin := servicetest.BuildBinary(t)
	dir := t.TempDir()
	first := servicetest.StartProcess(t, bin, servicetest.Settings(dir, queueTimeout)...)
	second := servicetest.StartProcess(t, bin, servicetest.Settings(dir, queueTimeout)...)
	apis := []servicetest.Client{first.Client(t), second.Client(t)}
	store := storetest.SQLite(dir)

	workload.LoseNoWrite(t, "two processes, one data directory", apis, store, 10, 3)
}

// updater is one client renaming its own customer, one change after the
// other: after a crash the customer holds the last name acknowledged, or
// the one sent when the process died (written, its answer lost).
type updater struct {
	id       string
	version  int64 // at creation
	acked    int   // updates acknowledged; the last is "v<acked-1>"
	inFlight bool  // an update "v<acked>" was sent and never answered
}

func TestKilledMidLoadLosesNoAcknowledgedWrite(t *testing.T) {
	bin := servicetest.BuildBinary(t)
	dir := t.TempDir()
	svc := servicetest.StartProcess(t, bin, servicetest.Settings(dir, queueTimeout)...)
	api := svc.Client(t)
	caller := workload.NewUncheckedCaller()
	defer caller.CloseIdle()

	updaters := make([]*updater, 8)
	for i := range updaters {
		r := caller.Call(t.Context(), api, "customer.create", map[string]any{
			"email": fmt.Sprintf("updater%d@crash.example", i), "password": "s3cret-pass", "firstName": "Up", "lastName": "v-none",
		})
		c, err := r.Customer()
		if err != nil {
			t.Fatalf("creating updater %d: %v %s", i, err, r.Raw)
		}
		updaters[i] = &updater{id: c.ID, version: c.Version}
	}

	var (
		mu      sync.Mutex
		created []string // acknowledged creates
		wg      sync.WaitGroup
		killed  = make(chan struct{})
	)
	for i, u := range updaters {
		wg.Go(func() {
			for {
				select {
				case <-killed:
					return
				default:
				}
				u.inFlight = true
				r := caller.Call(t.Context(), api, "customer.update", map[string]any{"id": u.id, "lastName": fmt.Sprintf("v%d", u.acked)})
				if !r.OK() {
					if r.Status != 0 {
						t.Errorf("updater %d: %d %s", i, r.Status, r.Raw)
					}
					return // no answer: the process died with this update in flight
				}
				u.inFlight = false
				u.acked++
			}
		})
	}
	for i := range 8 {
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-killed:
					return
				default:
				}
				r := caller.Call(t.Context(), api, "customer.create", map[string]any{
					"email": fmt.Sprintf("c%d-%d@crash.example", i, n), "password": "s3cret-pass", "firstName": "C", "lastName": "D",
				})
				c, err := r.Customer()
				if err != nil {
					if r.Status != 0 {
						t.Errorf("creator %d: %d %s", i, r.Status, r.Raw)
					}
					return
				}
				mu.Lock()
				created = append(created, c.ID)
				mu.Unlock()
			}
		})
	}

	time.Sleep(2 * time.Second)
	if err := svc.Cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-svc.Exited
	close(killed)
	wg.Wait()

	restarted := servicetest.StartProcess(t, bin, servicetest.Settings(dir, queueTimeout)...).Client(t)
	store := storetest.SQLite(dir)
	lost, acknowledged := 0, len(created)
	for _, id := range created {
		if r := caller.Call(t.Context(), restarted, "customer.info", map[string]any{"id": id}); !r.OK() {
			lost++
			t.Errorf("acknowledged create %s: %d %s", id, r.Status, r.Raw)
		}
	}
	for i, u := range updaters {
		acknowledged += u.acked
		stored, err := store.Customer(t.Context(), u.id)
		if err != nil {
			t.Fatal(err)
		}
		last, sent := fmt.Sprintf("v%d", u.acked-1), fmt.Sprintf("v%d", u.acked)
		if u.acked == 0 {
			last = "v-none"
		}
		switch {
		case stored.LastName == last && stored.Version == u.version+int64(u.acked):
		case u.inFlight && stored.LastName == sent && stored.Version == u.version+int64(u.acked)+1:
		default:
			lost++
			t.Errorf("updater %d: stored %s at version %d; acknowledged %s, %d updates since version %d (one more in flight: %v)",
				i, stored.LastName, stored.Version, last, u.acked, u.version, u.inFlight)
		}
	}
	t.Logf("killed after 2 s of load: %d writes acknowledged (%d creates, the rest updates), %d lost after the restart",
		acknowledged, len(created), lost)
	if acknowledged < 100 {
		t.Fatalf("only %d writes acknowledged before the kill: too little load to prove anything", acknowledged)
	}
}
