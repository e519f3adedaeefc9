package contract

import (
	"errors"
	"testing"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// NewLimitedStore returns an empty store whose outbox keeps limits.
type NewLimitedStore func(t *testing.T, limits application.OutboxLimits) Store

// RunOutboxLimits runs the part of the contract about application.OutboxLimits:
// no event without a broker, and no more than the cap per customer.
func RunOutboxLimits(t *testing.T, newStore NewLimitedStore) {
	t.Run("WithTheOutboxOffWritesRecordNoEvent", func(t *testing.T) {
		withTheOutboxOffWritesRecordNoEvent(t, newStore(t, application.OutboxLimits{Off: true}))
	})
	t.Run("WritesBeyondTheCapAreRefusedUntilTheRelayCatchesUp", func(t *testing.T) {
		writesBeyondTheCapAreRefusedUntilTheRelayCatchesUp(t, newStore(t, application.OutboxLimits{MaxPerCustomer: 3}))
	})
}

// Every kind of write lands and none leaves an event; a removed customer
// is gone at once, its email free.
func withTheOutboxOffWritesRecordNoEvent(t *testing.T, s Store) {
	c := mustCreate(t, s, "ada@example.com", "VIP")
	patchAndAddAnAddress(t, s, c.ID())
	if got := mustGet(t, s, c.ID()); got.LastName != "King" || got.Version != 2 || len(got.Addresses) != 2 {
		t.Fatalf("stored %+v, want the writes applied", got)
	}
	if err := remove(s, ctx(t), c.ID(), event(application.EventRemoved)); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Backlog(ctx(t)); err != nil || n != 0 {
		t.Fatalf("backlog = %d, %v; want no event recorded", n, err)
	}
	if _, ok, err := s.Claim(ctx(t), "relay", now(), lease); ok || err != nil {
		t.Fatalf("a relay found something to publish (%v)", err)
	}
	if events := pending(t, s, c.ID()); len(events) != 0 {
		t.Fatalf("pending %v, want none", types(events))
	}
	if _, err := s.Get(ctx(t), c.ID()); !errors.Is(err, domain.ErrCustomerNotFound) {
		t.Fatalf("Get after delete: %v", err)
	}
	mustCreate(t, s, "ada@example.com") // the email is free
}

// With a cap of 3, a customer created (1 event) and patched twice (3)
// takes no write more, of any kind, and changes not; another customer
// does. Once the relay has published, the customer takes writes again.
func writesBeyondTheCapAreRefusedUntilTheRelayCatchesUp(t *testing.T, s Store) {
	c := mustCreate(t, s, "ada@example.com")
	other := mustCreate(t, s, "grace@example.com")
	for _, name := range []string{"King", "Byron"} {
		if _, err := patch(s, ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{LastName: new(name)}), nil, now(), event(application.EventUpdated)); err != nil {
			t.Fatal(err)
		}
	}
	refused := map[string]error{}
	_, refused["patch"] = patch(s, ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{LastName: new("Noel")}), nil, now(), event(application.EventUpdated))
	_, refused["patch at the current version"] = patch(s, ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{LastName: new("Noel")}), new(int64(2)), now(), event(application.EventUpdated))
	_, refused["update"] = update(s, ctx(t), c.ID(), func(c *domain.Customer) (application.NewEvent, error) {
		_, err := c.AddAddresses([]domain.AddressInput{workAddress}, now())
		return event(application.EventAddressCreated), err
	})
	refused["delete"] = remove(s, ctx(t), c.ID(), event(application.EventRemoved))
	for write, err := range refused {
		if !errors.Is(err, application.ErrEventBacklogFull) {
			t.Errorf("%s beyond the cap: %v, want ErrEventBacklogFull", write, err)
		}
	}
	if got := mustGet(t, s, c.ID()); got.LastName != "Byron" || got.Version != 2 || len(got.Addresses) != 1 {
		t.Fatalf("stored %+v, want it as the last accepted write left it", got)
	}
	if events := pending(t, s, c.ID()); len(events) != 3 {
		t.Fatalf("%d events pending, want the 3 of the cap", len(events))
	}
	if _, err := patch(s, ctx(t), other.ID(), mustPatch(t, domain.CustomerChanges{LastName: new("Hopper")}), nil, now(), event(application.EventUpdated)); err != nil {
		t.Fatalf("another customer's write: %v", err)
	}

	drain(t, s)
	if _, err := patch(s, ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{LastName: new("Noel")}), nil, now(), event(application.EventUpdated)); err != nil {
		t.Fatalf("a write once the relay caught up: %v", err)
	}
	if err := remove(s, ctx(t), c.ID(), event(application.EventRemoved)); err != nil {
		t.Fatalf("delete once the relay caught up: %v", err)
	}
}
