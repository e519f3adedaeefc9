package system

import (
	"testing"

	"github.com/microbase-io/customer-service/test/support/servicetest"
	"github.com/microbase-io/customer-service/test/support/workload"
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

	workload.LoseNoWrite(t, "two containers", apis, db, 20, 2)
}
