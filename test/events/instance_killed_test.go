package events

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.uber.org/fx"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/test/support/rabbittest"
	"github.com/microbase-io/customer-service/test/support/servicetest"
)

var errDead = errors.New("the instance is dead")

// mortal stands at the publisher port of an instance that is killed while
// publishing. Until armed, publishes wait. The first one after is the
// last thing the instance does: it reaches the broker (sendFirst) or not,
// and then the instance is dead: no publish leaves it, and (through
// deadOutbox) no acknowledgement or lease release reaches the database,
// as after a kill -9. Calls fail rather than hang, so that the test can
// stop what is left of the instance; nothing they do leaves it.
type mortal struct {
	real      application.EventPublisher
	sendFirst bool
	armed     chan struct{}
	died      chan struct{}

	mu       sync.Mutex
	dead     bool
	lastSent *application.Event // what the broker got just before the death
}

func (m *mortal) Publish(ctx context.Context, e application.Event) error {
	select {
	case <-m.armed:
	case <-ctx.Done():
		return ctx.Err()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dead {
		return errDead
	}
	if m.sendFirst {
		if err := m.real.Publish(ctx, e); err != nil {
			return err // not connected yet: the relay tries again
		}
		m.lastSent = &e
	}
	m.dead = true
	close(m.died)
	return errDead
}

func (m *mortal) isDead() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.dead
}

type deadOutbox struct {
	application.Outbox
	m *mortal
}

func (o deadOutbox) Claim(ctx context.Context, owner string, now time.Time, lease time.Duration) (string, bool, error) {
	if o.m.isDead() {
		return "", false, errDead
	}
	return o.Outbox.Claim(ctx, owner, now, lease)
}

func (o deadOutbox) Pending(ctx context.Context, customerID string) ([]application.Event, error) {
	if o.m.isDead() {
		return nil, errDead
	}
	return o.Outbox.Pending(ctx, customerID)
}

func (o deadOutbox) Ack(ctx context.Context, customerID, owner, eventID string, renewUntil time.Time) error {
	if o.m.isDead() {
		return errDead
	}
	return o.Outbox.Ack(ctx, customerID, owner, eventID, renewUntil)
}

func (o deadOutbox) Release(ctx context.Context, customerID, owner string) error {
	if o.m.isDead() {
		return errDead
	}
	return o.Outbox.Release(ctx, customerID, owner)
}

func (o deadOutbox) Backlog(ctx context.Context) (int64, error) {
	if o.m.isDead() {
		return 0, errDead
	}
	return o.Outbox.Backlog(ctx)
}

// An instance killed after its writes answered but before their events
// were out leaves them in the database; the next instance on that
// database publishes every one once the dead one's leases run out. Only
// an event the broker got just before the death arrives twice, with the
// same id.
func TestEventsOfAnInstanceKilledBeforeTheyWereOutArePublishedByTheNext(t *testing.T) {
	rabbittest.Require(t)
	for _, tc := range []struct {
		name      string
		sendFirst bool
		when      string
	}{
		{"KilledBeforePublishing", false, "before publishing"},
		{"KilledAfterTheBrokerGotAnEventButBeforeItWasAcknowledged", true, "after the broker got an event"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := rabbittest.New(t)
			q := b.BindQueue(t, b.Exchange+".#", nil)
			env := brokerEnv(b, b.URL, "CUSTOMER_DATA_DIR="+t.TempDir())

			m := &mortal{sendFirst: tc.sendFirst, armed: make(chan struct{}), died: make(chan struct{})}
			doomed := servicetest.StartWith(t, []fx.Option{
				fx.Decorate(func(real application.EventPublisher) application.EventPublisher {
					m.real = real
					return m
				}),
				fx.Decorate(func(o application.Outbox) application.Outbox { return deadOutbox{Outbox: o, m: m} }),
			}, append([]string{
				// The takeover waits for the leases the dead instance
				// wrote: short ones, so that it comes quickly. The
				// successor keeps the default, so that a healthy relay
				// slowed down by a loaded machine never outlives its own
				// lease, which would be a duplicate without a crash.
				"CUSTOMER_OUTBOX_LEASE=1s",
			}, env...)...)

			const customers = 20
			want := map[string][]application.EventType{}
			for i := range customers {
				id := create(t, doomed.Client, fmt.Sprintf("doomed-%d@example.com", i))
				update(t, doomed.Client, id, "King")
				want[id] = []application.EventType{application.EventCreated, application.EventUpdated}
			}
			close(m.armed)
			select {
			case <-m.died:
			case <-time.After(rabbittest.Patience):
				t.Fatal("the doomed instance never tried to publish")
			}
			doomed.App.RequireStop()
			sentBeforeDeath := b.Depth(t, q)

			var outbox application.Outbox
			servicetest.StartWith(t, []fx.Option{fx.Populate(&outbox)}, env...)
			started := time.Now()
			awaitEmptyOutbox(t, outbox)
			took := time.Since(started)
			tl := count(t, decodeAll(t, b.Exchange, b.Drain(t, q)))
			lost := tl.lost(t, want)

			t.Logf("killed %s: %d writes answered ok, %d events written; %d reached the broker before the kill (the first arrivals); "+
				"with the successor: %d messages delivered in all, %d distinct events, %d lost, %d duplicates (%s); all out %s after it started",
				tc.when, total(want), total(want), sentBeforeDeath,
				tl.received, tl.distinct(), lost, len(tl.duplicates), tl.describe(), took.Round(time.Millisecond))
			if lost != 0 || tl.distinct() != total(want) {
				t.Errorf("%d events lost, %d distinct delivered; want 0 lost and %d", lost, tl.distinct(), total(want))
			}
			switch {
			case !tc.sendFirst && (sentBeforeDeath != 0 || len(tl.duplicates) != 0):
				t.Errorf("an instance that died before publishing: %d sent, duplicates %s; want none", sentBeforeDeath, tl.describe())
			case tc.sendFirst && (sentBeforeDeath != 1 || len(tl.duplicates) != 1 || tl.duplicates[0].ID != m.lastSent.ID):
				t.Errorf("the broker got event %s before the death (%d messages), duplicates %s; want exactly that event twice, with its id",
					m.lastSent.ID, sentBeforeDeath, tl.describe())
			}
		})
	}
}
