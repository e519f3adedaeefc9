package e2e

import (
	"fmt"
	"testing"

	"github.com/microbase-io/customer-service/test/support/servicetest"
)

// Without CUSTOMER_AMQP_URL nothing would ever publish an event, so writes
// record none: a customer written a thousand times more takes no more
// room. (Versions 1,001 and 2,001 have as many digits, so the stored
// bytes compare exactly.)
func TestWithoutABrokerWritesLeaveTheStoredSizeUnchanged(t *testing.T) {
	svc := servicetest.Start(t)
	tags := make([]string, 50)
	for i := range tags {
		tags[i] = fmt.Sprintf("tag-%02d", i)
	}
	id := svc.Call(t, "customer.create", map[string]any{
		"email": "busy@example.com", "password": "s3cret-pass", "firstName": "Busy", "lastName": "Smith-0", "tags": tags,
	}).Customer(t)["id"]
	updates := func(n int) {
		t.Helper()
		for i := range n {
			svc.Call(t, "customer.update", map[string]any{"id": id, "lastName": fmt.Sprintf("Smith-%d", 1+i%2)}).Customer(t)
		}
	}
	updates(1001)
	before := databaseState(t, svc)
	updates(1000)
	after := databaseState(t, svc)
	if len(after) != len(before) {
		t.Fatalf("1,000 updates grew the store from %d to %d bytes:\n%s", len(before), len(after), firstDifference(before, after))
	}
	t.Logf("2,001 updates of one customer with 50 tags: the store holds %d bytes after the first 1,001 and after all", len(after))
}
