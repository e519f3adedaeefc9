package application_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
	"github.com/microbase-io/customer-service/test/support/sqlitetest"
)

// bus is a publisher that records what it confirmed; while down it
// refuses everything, as a broker that is away does.
type bus struct {
	mu        sync.Mutex
	down      bool
	delivered []application.Event
}

func (b *bus) Publish(ctx context.Context, e application.Event) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.down {
		return errors.New("broker away")
	}
	b.delivered = append(b.delivered, e)
	return nil
}

func (b *bus) setDown(down bool) { b.mu.Lock(); b.down = down; b.mu.Unlock() }

func (b *bus) events() []application.Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.delivered)
}

type quietObserver struct{}

func (quietObserver) Published(application.Event)            {}
func (quietObserver) PublishFailed(application.Event, error) {}
func (quietObserver) OutboxFailed(error)                     {}
func (quietObserver) Backlog(int64)                          {}

var fastRelay = application.RelayConfig{Lease: time.Minute, PollInterval: time.Millisecond, MaxBackoff: 5 * time.Millisecond}

func newRelay(t *testing.T, outbox application.Outbox, pub application.EventPublisher, clock application.Clock, cfg application.RelayConfig) *application.Relay {
	t.Helper()
	relay, err := application.NewRelay(outbox, pub, clock, cfg, quietObserver{})
	if err != nil {
		t.Fatal(err)
	}
	return relay
}

func startRelay(t *testing.T, outbox application.Outbox, pub application.EventPublisher, owner string) (stop func()) {
	t.Helper()
	cfg := fastRelay
	cfg.Owner = owner
	relay := newRelay(t, outbox, pub, application.SystemClock{}, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		relay.Run(ctx)
	}()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// writes makes n customers and one update of each through the use
// cases, and returns their ids.
func writes(t *testing.T, repo *sqlite.Store, n int) []string {
	t.Helper()
	create := newApp(t, repo, application.SystemClock{}, bcrypt.MinCost).CreateCustomer
	update := application.NewUpdateCustomer(repo, application.SystemClock{})
	ids := make([]string, n)
	for i := range n {
		c, err := create.Handle(context.Background(), application.CreateCustomerCommand{Customer: domain.NewCustomerInput{
			Email: fmt.Sprintf("c%d@example.com", i), Password: "s3cret-pass", FirstName: "C", LastName: "D",
		}})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = c.ID()
		if _, err := update.Handle(context.Background(), application.UpdateCustomerCommand{
			ID: c.ID(), Changes: domain.CustomerChanges{LastName: new("E")},
		}); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// perCustomer checks each customer's events arrived as CREATE then
// UPDATE at versions 0 and 1, and counts deliveries per event id.
func perCustomer(t *testing.T, delivered []application.Event, ids []string) map[string]int {
	t.Helper()
	seen := map[string]int{}
	byCustomer := map[string][]application.Event{}
	for _, e := range delivered {
		seen[e.ID]++
		if seen[e.ID] == 1 {
			byCustomer[e.CustomerID] = append(byCustomer[e.CustomerID], e)
		}
	}
	for _, id := range ids {
		got := byCustomer[id]
		if len(got) != 2 || got[0].Type != application.EventCreated || got[1].Type != application.EventUpdated ||
			got[0].Version != 0 || got[1].Version != 1 {
			t.Fatalf("customer %s: delivered %+v, want CREATE v0 then UPDATE v1", id, got)
		}
	}
	return seen
}

func TestRelayPublishesEveryEventInOrderAndEmptiesTheOutbox(t *testing.T) {
	repo := sqlitetest.Open(t)
	ids := writes(t, repo, 10)
	b := &bus{}
	startRelay(t, repo, b, "relay")
	waitFor(t, "20 events", func() bool { return len(b.events()) == 20 })
	waitFor(t, "an empty outbox", func() bool { n, _ := repo.Backlog(context.Background()); return n == 0 })
	for id, n := range perCustomer(t, b.events(), ids) {
		if n != 1 {
			t.Errorf("event %s delivered %d times", id, n)
		}
	}
}

func TestRelayKeepsEventsWhileTheBrokerIsAwayAndSendsThemAllAfter(t *testing.T) {
	repo := sqlitetest.Open(t)
	b := &bus{down: true}
	startRelay(t, repo, b, "relay")
	ids := writes(t, repo, 50) // 100 writes, all accepted while the broker is away
	time.Sleep(20 * time.Millisecond)
	if n, _ := repo.Backlog(context.Background()); n != 50 || len(b.events()) != 0 {
		t.Fatalf("backlog %d, delivered %d; want all 50 customers waiting, nothing delivered", n, len(b.events()))
	}
	b.setDown(false)
	waitFor(t, "100 events", func() bool { return len(b.events()) >= 100 })
	for id, n := range perCustomer(t, b.events(), ids) {
		if n != 1 {
			t.Errorf("event %s delivered %d times", id, n)
		}
	}
}

func TestTwoRelaysPublishEachEventOnce(t *testing.T) {
	repo := sqlitetest.Open(t)
	b := &bus{}
	startRelay(t, repo, b, "relay-a")
	startRelay(t, repo, b, "relay-b")
	ids := writes(t, repo, 40)
	waitFor(t, "80 events", func() bool { return len(b.events()) >= 80 })
	time.Sleep(20 * time.Millisecond)
	for id, n := range perCustomer(t, b.events(), ids) {
		if n != 1 {
			t.Errorf("event %s delivered %d times by two relays", id, n)
		}
	}
}

// slowBus is a broker that takes delay to confirm each event.
type slowBus struct {
	*bus
	delay time.Duration
}

func (b slowBus) Publish(ctx context.Context, e application.Event) error {
	time.Sleep(b.delay)
	return b.bus.Publish(ctx, e)
}

// releases records what each Release of the outbox it wraps answered.
type releases struct {
	application.Outbox
	mu   sync.Mutex
	errs []error
}

func (r *releases) Release(ctx context.Context, customerID, owner string) error {
	err := r.Outbox.Release(ctx, customerID, owner)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, err)
	return err
}

func (r *releases) answers() []error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.errs)
}

// A queue whose events take longer to publish, together, than one publish
// may take: the lease is still given back, so no other instance waits for
// it to run out.
func TestRelayGivesItsLeaseBackAfterAQueueLongerThanOnePublishTimeout(t *testing.T) {
	repo := sqlitetest.Open(t)
	writes(t, repo, 1) // two events
	b := &bus{}
	outbox := &releases{Outbox: repo}
	cfg := fastRelay
	cfg.Owner, cfg.PublishTimeout = "relay", 100*time.Millisecond
	relay := newRelay(t, outbox, slowBus{bus: b, delay: 60 * time.Millisecond}, application.SystemClock{}, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); relay.Run(ctx) }()
	defer func() { cancel(); <-done }()

	waitFor(t, "the lease given back", func() bool { return len(outbox.answers()) > 0 })
	if err := outbox.answers()[0]; err != nil || len(b.events()) != 2 {
		t.Fatalf("Release after publishing %d events = %v, want both published and the lease given back", len(b.events()), err)
	}
}

// stuck is a broker that takes events and never confirms them, as when
// the process dies between the publish and its acknowledgement.
type stuck struct{}

func (stuck) Publish(ctx context.Context, _ application.Event) error {
	<-ctx.Done()
	return ctx.Err()
}

func TestEventsOfARelayThatDiedAreTakenOverAfterItsLease(t *testing.T) {
	repo := sqlitetest.Open(t)
	ids := writes(t, repo, 3)
	// The first relay claims customers and never gets a confirm; it stops
	// as a killed process would, holding its leases.
	cfg := fastRelay
	cfg.Owner, cfg.PublishTimeout, cfg.Lease = "doomed", 50*time.Millisecond, time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	go newRelay(t, repo, stuck{}, application.SystemClock{}, cfg).Run(ctx)
	time.Sleep(20 * time.Millisecond)
	cancel()

	// A successor whose clock is past the lease takes the events over.
	b := &bus{}
	later := clockAt(time.Now().Add(2 * time.Hour))
	cfg = fastRelay
	cfg.Owner = "successor"
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	go newRelay(t, repo, b, later, cfg).Run(ctx2)
	waitFor(t, "6 events", func() bool { return len(b.events()) >= 6 })
	perCustomer(t, b.events(), ids)
}

type clockAt time.Time

func (c clockAt) Now() time.Time { return time.Time(c) }

// The lease comes from the configuration: a relay without one, which
// would have to guess how long to hold events, is refused.
func TestARelayWithoutOwnerOrLeaseIsRefused(t *testing.T) {
	for name, cfg := range map[string]application.RelayConfig{
		"no lease": {Owner: "relay"},
		"no owner": {Lease: time.Minute},
	} {
		t.Run(name, func(t *testing.T) {
			if r, err := application.NewRelay(sqlitetest.Open(t), &bus{}, application.SystemClock{}, cfg, quietObserver{}); err == nil || r != nil {
				t.Fatalf("NewRelay = %v, %v; want refused", r, err)
			}
		})
	}
}
