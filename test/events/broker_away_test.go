package events

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.uber.org/fx"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/test/support/rabbittest"
	"github.com/microbase-io/customer-service/test/support/servicetest"
)

// While the broker is away, writes go on and their events wait in the
// outbox; when it returns, every one of them is published, in order per
// customer, once.
func TestWritesWhileTheBrokerIsAwaySucceedAndAllTheirEventsArriveWhenItReturns(t *testing.T) {
	b := rabbittest.New(t)
	q := b.BindQueue(t, b.Exchange+".#", nil)
	px, url := rabbittest.StartProxy(t, b.URL)
	var outbox application.Outbox
	svc := servicetest.StartWith(t, []fx.Option{fx.Populate(&outbox)}, brokerEnv(b, url)...)

	// The service is connected to the broker before it goes away.
	create(t, svc.Client, "before@example.com")
	b.Await(t, q, 1)
	awaitEmptyOutbox(t, outbox)

	px.Cut()
	// 100 writes: 20 customers, each created, updated, given an address,
	// that address changed, and removed; the removed ones stay as
	// invisible tombstones until their REMOVE is out.
	const customers = 20
	want := map[string][]application.EventType{}
	written := 0
	for i := range customers {
		id := create(t, svc.Client, fmt.Sprintf("away-%d@example.com", i))
		update(t, svc.Client, id, "King")
		addressID := addAddress(t, svc.Client, id)
		moveAddress(t, svc.Client, id, addressID, "3 Main Street")
		remove(t, svc.Client, id)
		svc.Call(t, "customer.info", map[string]any{"id": id}).Error(t, 404, "customer_not_found")
		written += 5
		want[id] = []application.EventType{application.EventCreated, application.EventUpdated,
			application.EventAddressCreated, application.EventAddressUpdated, application.EventRemoved}
	}
	arrivedWhileAway := b.Depth(t, q)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	waiting, err := outbox.Backlog(ctx)
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	if arrivedWhileAway != 0 || waiting != customers {
		t.Fatalf("with the broker away: %d messages arrived and %d customers have events waiting; want 0 and %d",
			arrivedWhileAway, waiting, customers)
	}

	returned := time.Now()
	px.Restore()
	awaitEmptyOutbox(t, outbox)
	took := time.Since(returned)
	tl := count(t, decodeAll(t, b.Exchange, b.Drain(t, q)))
	lost := tl.lost(t, want)

	t.Logf("broker away: %d writes answered ok, %d events written (%d customers waiting), %d arrived while it was away; "+
		"after it returned: %d messages delivered, %d distinct events, %d lost, %d duplicates (%s); all out %s after it returned",
		written, total(want), waiting, arrivedWhileAway, tl.received, tl.distinct(), lost, len(tl.duplicates), tl.describe(),
		took.Round(time.Millisecond))
	if lost != 0 || tl.distinct() != total(want) {
		t.Errorf("%d events lost, %d distinct delivered; want 0 lost and %d", lost, tl.distinct(), total(want))
	}
	// One instance that never crashed has no reason to send an event twice.
	if len(tl.duplicates) != 0 {
		t.Errorf("duplicates without a crash: %s", tl.describe())
	}
}

// With the broker away, one customer takes writes until its events fill
// CUSTOMER_OUTBOX_MAX_EVENTS; its next write answers 503
// event_backlog_full and writes nothing, while another customer's writes
// go on. When the broker returns, every accepted write's event arrives,
// and the customer takes writes again.
func TestACustomersWritesBeyondItsEventBacklogAreRefusedUntilTheBrokerReturns(t *testing.T) {
	const limit = 20
	b := rabbittest.New(t)
	q := b.BindQueue(t, b.Exchange+".#", nil)
	px, url := rabbittest.StartProxy(t, b.URL)
	var outbox application.Outbox
	svc := servicetest.StartWith(t, []fx.Option{fx.Populate(&outbox)},
		brokerEnv(b, url, fmt.Sprintf("CUSTOMER_OUTBOX_MAX_EVENTS=%d", limit))...)
	create(t, svc.Client, "before@example.com")
	b.Await(t, q, 1)
	awaitEmptyOutbox(t, outbox)

	px.Cut()
	id := create(t, svc.Client, "busy@example.com")
	other := create(t, svc.Client, "other@example.com")
	want := map[string][]application.EventType{id: {application.EventCreated}, other: {application.EventCreated}}
	for i := 1; i < limit; i++ {
		update(t, svc.Client, id, fmt.Sprintf("Name %d", i))
		want[id] = append(want[id], application.EventUpdated)
	}
	svc.Call(t, "customer.update", map[string]any{"id": id, "lastName": "One too many"}).Error(t, 503, "event_backlog_full")
	svc.Call(t, "customer.remove", map[string]any{"id": id}).Error(t, 503, "event_backlog_full")
	if c := svc.Call(t, "customer.info", map[string]any{"id": id}).Customer(t); c["lastName"] != fmt.Sprintf("Name %d", limit-1) {
		t.Fatalf("a refused write changed the customer: %v", c)
	}
	update(t, svc.Client, other, "Unaffected")
	want[other] = append(want[other], application.EventUpdated)

	px.Restore()
	awaitEmptyOutbox(t, outbox)
	tl := count(t, decodeAll(t, b.Exchange, b.Drain(t, q)))
	if lost := tl.lost(t, want); lost != 0 || tl.distinct() != total(want) {
		t.Fatalf("%d events lost, %d distinct delivered; want every accepted write's %d", lost, tl.distinct(), total(want))
	}
	update(t, svc.Client, id, "Accepted again")
	t.Logf("broker away: %d writes of one customer accepted, the next refused with event_backlog_full; "+
		"all %d events delivered once it returned, and the customer took writes again", limit, total(want))
}
