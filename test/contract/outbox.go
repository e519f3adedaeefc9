package contract

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/jsonview"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// RunOutbox runs the outbox half of the contract: every write leaves its
// event, atomically and in order, and relays can take them out one lease
// at a time.
func RunOutbox(t *testing.T, newStore NewRepository) {
	tests := []struct {
		name string
		run  func(t *testing.T, s Store)
	}{
		{"EveryWriteLeavesItsEventInOrder", everyWriteLeavesItsEventInOrder},
		{"FailedOrEmptyWritesLeaveNoEvent", failedOrEmptyWritesLeaveNoEvent},
		{"ConcurrentWritesEachLeaveOneEvent", concurrentWritesEachLeaveOneEvent},
		{"ClaimIsExclusiveUntilTheLeaseRunsOut", claimIsExclusiveUntilTheLeaseRunsOut},
		{"AckRemovesOnlyTheOldestEventForTheLeaseHolder", ackRemovesOnlyTheOldestEventForTheLeaseHolder},
		{"AckRenewsTheLease", ackRenewsTheLease},
		{"ReleaseEndsThePendingStateOnlyWhenNothingWaits", releaseEndsThePendingStateOnlyWhenNothingWaits},
		{"RemovedCustomerIsGoneAtOnceAndDeletedOncePublished", removedCustomerIsGoneAtOnceAndDeletedOncePublished},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newStore(t)) })
	}
}

const lease = time.Minute

// drain acknowledges every pending event of every customer.
func drain(t *testing.T, s Store) {
	t.Helper()
	at := now()
	for {
		id, ok, err := s.Claim(ctx(t), "drainer", at, lease)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return
		}
		for _, e := range pending(t, s, id) {
			if err := s.Ack(ctx(t), id, "drainer", e.ID, now().Add(lease)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Release(ctx(t), id, "drainer"); err != nil {
			t.Fatal(err)
		}
	}
}

func pending(t *testing.T, s Store, id string) []application.Event {
	t.Helper()
	events, err := s.Pending(ctx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	return events
}

func types(events []application.Event) []application.EventType {
	out := []application.EventType{}
	for _, e := range events {
		out = append(out, e.Type)
	}
	return out
}

func versions(events []application.Event) []int64 {
	out := []int64{}
	for _, e := range events {
		out = append(out, e.Version)
	}
	return out
}

func everyWriteLeavesItsEventInOrder(t *testing.T, s Store) {
	c := mustCreate(t, s, "ada@example.com")
	patchAndAddAnAddress(t, s, c.ID())
	if err := remove(s, ctx(t), c.ID(), event(application.EventRemoved)); err != nil {
		t.Fatal(err)
	}

	events := pending(t, s, c.ID())
	wantTypes := []application.EventType{application.EventCreated, application.EventUpdated, application.EventAddressCreated, application.EventRemoved}
	if !slices.Equal(types(events), wantTypes) || !slices.Equal(versions(events), []int64{0, 1, 2, 3}) {
		t.Fatalf("pending %v at versions %v, want %v at 0..3", types(events), versions(events), wantTypes)
	}
	for i, e := range events {
		// The arguments are kept as consumers will read them.
		args, err := jsonview.EventArgs(argsOf(e.Type))
		if err != nil {
			t.Fatal(err)
		}
		if e.ID == "" || e.CustomerID != c.ID() || e.OccurredAt.IsZero() || string(e.Args) != string(args) {
			t.Errorf("event %d = %+v, want its id, customer, time and arguments %s", i, e, args)
		}
		if e.Type == application.EventRemoved {
			if e.Customer != nil {
				t.Errorf("REMOVE carries a customer")
			}
			continue
		}
		if e.Customer == nil || e.Customer.Email() != "ada@example.com" {
			t.Errorf("event %d customer = %v, want the customer with its own email", i, e.Customer)
		}
	}
}

// patchAndAddAnAddress writes the customer id twice: a patch of its last
// name to "King", then the work address added.
func patchAndAddAnAddress(t *testing.T, s Store, id string) {
	t.Helper()
	if _, err := patch(s, ctx(t), id, mustPatch(t, domain.CustomerChanges{LastName: new("King")}), nil, now(), event(application.EventUpdated)); err != nil {
		t.Fatal(err)
	}
	if _, err := update(s, ctx(t), id, func(c *domain.Customer) (application.NewEvent, error) {
		_, err := c.AddAddresses([]domain.AddressInput{workAddress}, now())
		return event(application.EventAddressCreated), err
	}); err != nil {
		t.Fatal(err)
	}
}

func failedOrEmptyWritesLeaveNoEvent(t *testing.T, s Store) {
	c := mustCreate(t, s, "ada@example.com")
	mustCreate(t, s, "grace@example.com")
	drain(t, s)

	if err := create(s, ctx(t), newCustomer(t, "ada@example.com"), event(application.EventCreated)); !errors.Is(err, domain.ErrDuplicateEmail) {
		t.Fatalf("duplicate create: %v", err)
	}
	writes := []func() error{
		func() error { // changes nothing
			_, err := patch(s, ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{LastName: new("Lovelace")}), nil, now(), event(application.EventUpdated))
			return err
		},
		func() error { // stale version
			_, err := patch(s, ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{LastName: new("King")}), new(int64(7)), now(), event(application.EventUpdated))
			return ignore(err, domain.ErrVersionConflict)
		},
		func() error { // taken email
			_, err := patch(s, ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{Email: new("grace@example.com")}), nil, now(), event(application.EventUpdated))
			return ignore(err, domain.ErrDuplicateEmail)
		},
		func() error { // the change refuses
			_, err := update(s, ctx(t), c.ID(), func(c *domain.Customer) (application.NewEvent, error) {
				return event(application.EventAddressRemoved), c.RemoveAddress("nope", now())
			})
			return ignore(err, domain.ErrAddressNotFound)
		},
		func() error { // unknown customer
			return ignore(remove(s, ctx(t), "nobody", event(application.EventRemoved)), domain.ErrCustomerNotFound)
		},
	}
	for i, write := range writes {
		if err := write(); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if n, err := s.Backlog(ctx(t)); err != nil || n != 0 {
		t.Fatalf("backlog = %d, %v; want no event from writes that wrote nothing", n, err)
	}
}

func ignore(err, expected error) error {
	if errors.Is(err, expected) {
		return nil
	}
	if err == nil {
		return fmt.Errorf("want %v, got success", expected)
	}
	return err
}

// Five writers patch different fields of one customer at once: one event
// per acknowledged write, and the versions count them without a gap.
func concurrentWritesEachLeaveOneEvent(t *testing.T, s Store) {
	c := mustCreate(t, s, "ada@example.com")
	var wg sync.WaitGroup
	for w := range 5 {
		wg.Go(func() {
			for i := range 4 {
				name := fmt.Sprintf("W%dR%d", w, i)
				if _, err := patch(s, ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{Tags: &[]string{name}}), nil, now(), event(application.EventUpdated)); err != nil {
					t.Errorf("patch: %v", err)
				}
			}
		})
	}
	wg.Wait()
	events := pending(t, s, c.ID())
	want := make([]int64, 21)
	for i := range want {
		want[i] = int64(i)
	}
	if !slices.Equal(versions(events), want) {
		t.Fatalf("versions %v, want 0..20 (one event per write)", versions(events))
	}
}

func claimIsExclusiveUntilTheLeaseRunsOut(t *testing.T, s Store) {
	c := mustCreate(t, s, "ada@example.com")
	at := now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var winners []string
	for i := range 20 {
		wg.Go(func() {
			owner := fmt.Sprint("relay-", i)
			id, ok, err := s.Claim(ctx(t), owner, at, lease)
			if err != nil {
				t.Errorf("claim: %v", err)
			}
			if ok {
				mu.Lock()
				winners = append(winners, owner)
				mu.Unlock()
				if id != c.ID() {
					t.Errorf("claimed %s, want %s", id, c.ID())
				}
			}
		})
	}
	wg.Wait()
	if len(winners) != 1 {
		t.Fatalf("%d relays hold the lease (%v), want exactly 1", len(winners), winners)
	}
	if _, ok, _ := s.Claim(ctx(t), "late", at.Add(lease/2), lease); ok {
		t.Fatal("a second relay claimed a customer under a running lease")
	}
	id, ok, err := s.Claim(ctx(t), "successor", at.Add(lease+time.Second), lease)
	if err != nil || !ok || id != c.ID() {
		t.Fatalf("after the lease ran out: claim = %q, %v, %v; want the customer taken over", id, ok, err)
	}
	if err := s.Ack(ctx(t), c.ID(), winners[0], pending(t, s, c.ID())[0].ID, now().Add(lease)); !errors.Is(err, application.ErrLeaseLost) {
		t.Fatalf("ack by the relay that lost its lease: %v, want ErrLeaseLost", err)
	}
}

func ackRemovesOnlyTheOldestEventForTheLeaseHolder(t *testing.T, s Store) {
	c := mustCreate(t, s, "ada@example.com")
	if _, err := patch(s, ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{LastName: new("King")}), nil, now(), event(application.EventUpdated)); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.Claim(ctx(t), "me", now(), lease); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	events := pending(t, s, c.ID())
	if err := s.Ack(ctx(t), c.ID(), "someone-else", events[0].ID, now().Add(lease)); !errors.Is(err, application.ErrLeaseLost) {
		t.Fatalf("ack by another owner: %v, want ErrLeaseLost", err)
	}
	if err := s.Ack(ctx(t), c.ID(), "me", events[1].ID, now().Add(lease)); !errors.Is(err, application.ErrLeaseLost) {
		t.Fatalf("ack of the newer event first: %v, want ErrLeaseLost", err)
	}
	if err := s.Ack(ctx(t), c.ID(), "me", events[0].ID, now().Add(lease)); err != nil {
		t.Fatal(err)
	}
	left := pending(t, s, c.ID())
	if len(left) != 1 || left[0].ID != events[1].ID || left[0].Version != 1 {
		t.Fatalf("left %v at %v, want the UPDATE at version 1", types(left), versions(left))
	}
}

// A relay working through a long queue keeps the customer: each
// acknowledgement moves the end of its lease.
func ackRenewsTheLease(t *testing.T, s Store) {
	c := mustCreate(t, s, "ada@example.com")
	if _, err := patch(s, ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{LastName: new("King")}), nil, now(), event(application.EventUpdated)); err != nil {
		t.Fatal(err)
	}
	start := now()
	if _, ok, _ := s.Claim(ctx(t), "me", start, lease); !ok {
		t.Fatal("nothing to claim")
	}
	first := pending(t, s, c.ID())[0]
	if err := s.Ack(ctx(t), c.ID(), "me", first.ID, start.Add(2*lease)); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Claim(ctx(t), "other", start.Add(3*lease/2), lease); ok {
		t.Fatal("another relay took the customer although the lease was renewed")
	}
	if _, ok, _ := s.Claim(ctx(t), "other", start.Add(2*lease+time.Second), lease); !ok {
		t.Fatal("the renewed lease never ran out")
	}
}

func releaseEndsThePendingStateOnlyWhenNothingWaits(t *testing.T, s Store) {
	c := mustCreate(t, s, "ada@example.com")
	if _, ok, _ := s.Claim(ctx(t), "me", now(), lease); !ok {
		t.Fatal("nothing to claim after a create")
	}
	created := pending(t, s, c.ID())[0]
	// A write lands while the relay holds the customer.
	if _, err := patch(s, ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{LastName: new("King")}), nil, now(), event(application.EventUpdated)); err != nil {
		t.Fatal(err)
	}
	if err := s.Ack(ctx(t), c.ID(), "me", created.ID, now().Add(lease)); err != nil {
		t.Fatal(err)
	}
	if err := s.Release(ctx(t), c.ID(), "me"); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Backlog(ctx(t)); n != 1 {
		t.Fatalf("backlog = %d, want the customer still waiting with its UPDATE", n)
	}
	drain(t, s)
	if n, _ := s.Backlog(ctx(t)); n != 0 {
		t.Fatalf("backlog = %d after everything was published", n)
	}
	if _, ok, _ := s.Claim(ctx(t), "me", now(), lease); ok {
		t.Fatal("claimed a customer with nothing to publish")
	}
	if stored := mustGet(t, s, c.ID()); stored.LastName != "King" || stored.Version != 1 {
		t.Fatalf("publishing changed the customer: %+v", stored)
	}
}

func removedCustomerIsGoneAtOnceAndDeletedOncePublished(t *testing.T, s Store) {
	c := mustCreate(t, s, "ada@example.com", "VIP")
	if err := remove(s, ctx(t), c.ID(), event(application.EventRemoved)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx(t), c.ID()); !errors.Is(err, domain.ErrCustomerNotFound) {
		t.Fatalf("Get after delete: %v", err)
	}
	if _, err := s.FindByEmail(ctx(t), "ada@example.com"); !errors.Is(err, domain.ErrCustomerNotFound) {
		t.Fatalf("FindByEmail after delete: %v", err)
	}
	if list := list(t, s, application.ListQuery{Limit: 10, Tags: []string{"VIP"}}); len(list) != 0 {
		t.Fatalf("List shows a removed customer: %v", list)
	}
	if err := remove(s, ctx(t), c.ID(), event(application.EventRemoved)); !errors.Is(err, domain.ErrCustomerNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := patch(s, ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{LastName: new("King")}), nil, now(), event(application.EventUpdated)); !errors.Is(err, domain.ErrCustomerNotFound) {
		t.Fatalf("patch after delete: %v", err)
	}
	again := mustCreate(t, s, "ada@example.com") // the email is free at once
	drain(t, s)
	if events := pending(t, s, c.ID()); len(events) != 0 {
		t.Fatalf("the removed customer still has events: %v", types(events))
	}
	if n, _ := s.Backlog(ctx(t)); n != 0 {
		t.Fatalf("backlog = %d after publishing", n)
	}
	if got := mustGet(t, s, again.ID()); got.Email != "ada@example.com" {
		t.Fatalf("the new customer with the freed email: %+v", got)
	}
}
