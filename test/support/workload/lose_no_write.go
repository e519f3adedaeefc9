package workload

import (
	"testing"

	"github.com/microbase-io/customer-service/test/support/servicetest"
	"github.com/microbase-io/customer-service/test/support/storetest"
)

// LoseNoWrite runs DisjointUpdates (updatesPerClient per client) and then
// an EmailSwaps storm (seed) through apis, instances of the service on
// store, and fails the test when an acknowledged write was lost, two
// customers share an email, or the storm never contended. where names the
// instances in the log. Call it from the test's goroutine.
func LoseNoWrite(t *testing.T, where string, apis []servicetest.Client, store storetest.Inspector, updatesPerClient int, seed uint64) {
	t.Helper()
	disjoint := DisjointUpdates{Customers: 10, Clients: 32, UpdatesPerClient: updatesPerClient}.Run(t, apis, store)
	t.Logf("disjoint updates, %s: %s", where, disjoint)
	swaps := EmailSwaps{Customers: 10, Pool: 5, Clients: 32, MovesPerClient: 15, Seed: seed}.Run(t, apis, store)
	t.Logf("email swaps, %s: %s", where, swaps)

	if disjoint.Lost != 0 || swaps.Lost != 0 || swaps.Shared != 0 {
		t.Fatalf("lost %d acknowledged updates and %d acknowledged moves; %d emails shared",
			disjoint.Lost, swaps.Lost, swaps.Shared)
	}
	if swaps.Refused == 0 || swaps.Changes == 0 {
		t.Fatalf("the storm never contended: %s", swaps)
	}
}
