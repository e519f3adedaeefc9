// Package instances runs two instances of the service, each the whole fx
// application as main builds it, in one test process on one embedded
// store (one data directory), as a deployment runs several replicas, and
// checks that their concurrent writes lose nothing.
package instances

import (
	"testing"

	"github.com/microbase-io/customer-service/test/support/servicetest"
	"github.com/microbase-io/customer-service/test/support/workload"
)

// twoInstances starts two services on one data directory. Each opens the
// SQLite file itself, and only SQLite's file locks keep their writes
// apart. The request deadline is raised so that 32 clients queueing for
// the write lock under the race detector, which these tests are not
// about, cannot turn into 503s.
func twoInstances(t *testing.T) ([]servicetest.Client, *servicetest.Service) {
	t.Helper()
	env := []string{"CUSTOMER_DATA_DIR=" + t.TempDir(), "CUSTOMER_REQUEST_TIMEOUT=60s"}
	first := servicetest.Start(t, env...)
	second := servicetest.Start(t, env...)
	return []servicetest.Client{first.Client, second.Client}, first
}

func TestTwoInstancesLoseNoConcurrentUpdateOfDisjointFields(t *testing.T) {
	apis, first := twoInstances(t)

	report := workload.DisjointUpdates{Customers: 10, Clients: 32, UpdatesPerClient: 10}.Run(t, apis, first.Store)

	t.Logf("two fx instances, one embedded store: %s", report)
	if report.Lost != 0 {
		t.Fatalf("%d acknowledged writes lost", report.Lost)
	}
}

func TestTwoInstancesNeverLetCustomersShareAnEmailDuringASwapStorm(t *testing.T) {
	apis, first := twoInstances(t)

	report := workload.EmailSwaps{Customers: 10, Pool: 5, Clients: 32, MovesPerClient: 15, Seed: 1}.Run(t, apis, first.Store)

	t.Logf("two fx instances, one embedded store: %s", report)
	if report.Refused == 0 || report.Changes == 0 {
		t.Fatalf("the storm never contended: %s", report)
	}
}
