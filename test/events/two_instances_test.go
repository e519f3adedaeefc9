package events

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"go.uber.org/fx"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/test/support/rabbittest"
	"github.com/microbase-io/customer-service/test/support/servicetest"
)

// counting passes events on and counts those the broker confirmed, to
// show which instance published what.
type counting struct {
	real      application.EventPublisher
	published *atomic.Int64
}

func (c counting) Publish(ctx context.Context, e application.Event) error {
	err := c.real.Publish(ctx, e)
	if err == nil {
		c.published.Add(1)
	}
	return err
}

// Two instances on one database, both taking writes and both relaying:
// every event is published once, by one of them, in order per customer.
func TestTwoInstancesOnOneDatabasePublishEachEventOnce(t *testing.T) {
	b := rabbittest.New(t)
	q := b.BindQueue(t, b.Exchange+".#", nil)
	env := brokerEnv(b, b.URL, "CUSTOMER_DATA_DIR="+t.TempDir())

	var outbox application.Outbox
	published := make([]atomic.Int64, 2)
	instances := make([]servicetest.Client, 2)
	for i := range instances {
		opts := []fx.Option{fx.Decorate(func(real application.EventPublisher) application.EventPublisher {
			return counting{real: real, published: &published[i]}
		})}
		if i == 0 {
			opts = append(opts, fx.Populate(&outbox))
		}
		instances[i] = servicetest.StartWith(t, opts, env...).Client
	}

	// 100 writes: 25 customers, each write on the other instance than the
	// one before, while both relays run.
	const customers = 25
	want := map[string][]application.EventType{}
	for i := range customers {
		this, other := instances[i%2], instances[(i+1)%2]
		id := create(t, this, fmt.Sprintf("shared-%d@example.com", i))
		update(t, other, id, "King")
		addressID := addAddress(t, this, id)
		moveAddress(t, other, id, addressID, "3 Main Street")
		want[id] = []application.EventType{application.EventCreated, application.EventUpdated,
			application.EventAddressCreated, application.EventAddressUpdated}
	}
	awaitEmptyOutbox(t, outbox)
	tl := count(t, decodeAll(t, b.Exchange, b.Drain(t, q)))
	lost := tl.lost(t, want)

	t.Logf("two instances: %d writes answered ok; %d messages delivered, %d distinct events, %d lost, %d duplicates (%s); "+
		"instance 1 published %d, instance 2 published %d",
		total(want), tl.received, tl.distinct(), lost, len(tl.duplicates), tl.describe(), published[0].Load(), published[1].Load())
	if lost != 0 || tl.received != total(want) || len(tl.duplicates) != 0 {
		t.Errorf("%d delivered, %d lost, duplicates %s; want each of the %d events exactly once", tl.received, lost, tl.describe(), total(want))
	}
}
