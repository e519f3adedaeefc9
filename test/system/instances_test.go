package system

import (
	"testing"

	"github.com/microbase-io/customer-service/test/servicetest"
	"github.com/microbase-io/customer-service/test/workload"
)

// Two service containers on one database container: 32 clients update
// their own field of the same customers through both, then storm the
// customers with email moves. Nothing acknowledged may be lost, and no
// two customers may end up with one email.
func TestTwoInstancesLoseNoAcknowledgedWrite(t *testing.T) {
	d := deploy(t)
	_, first := d.startService(t, "customer-a")
	_, second := d.startService(t, "customer-b")
	apis := []servicetest.Client{first, second}
	db := d.database(t)

	disjoint := workload.DisjointUpdates{Customers: 10, Clients: 32, UpdatesPerClient: 20}.Run(t, apis, db)
	t.Logf("disjoint updates, two containers: %s", disjoint)
	swaps := workload.EmailSwaps{Customers: 10, Pool: 5, Clients: 32, MovesPerClient: 15, Seed: 2}.Run(t, apis, db)
	t.Logf("email swaps, two containers: %s", swaps)

	if disjoint.Lost != 0 || swaps.Lost != 0 || swaps.Shared != 0 {
		t.Fatalf("lost %d acknowledged updates and %d acknowledged moves; %d emails shared",
			disjoint.Lost, swaps.Lost, swaps.Shared)
	}
	if swaps.Refused == 0 || swaps.Changes == 0 {
		t.Fatalf("the storm never contended: %s", swaps)
	}
}
