package contract

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/adapters/jsonview"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
	"github.com/microbase-io/customer-service/test/support/largecustomer"
)

// RunIdempotency runs the part of the contract about keyed writes (see
// application.IdempotencyKey); each subtest gets its own empty store.
func RunIdempotency(t *testing.T, newRepo NewRepository) {
	tests := []struct {
		name string
		run  func(t *testing.T, repo Store)
	}{
		{"KeyedWritesSentAgainWriteOnceAndAnswerTheFirstResult", keyedWritesSentAgainWriteOnce},
		{"AKeyWithOtherArgumentsIsRefusedAndWritesNothing", aKeyWithOtherArgumentsIsRefused},
		{"AKeyOlderThanTheWindowIsForgotten", aKeyOlderThanTheWindowIsForgotten},
		{"ConcurrentWritesWithOneKeyWriteOnce", concurrentWritesWithOneKeyWriteOnce},
		{"AWriteThatFailedLeavesNoKey", aWriteThatFailedLeavesNoKey},
		{"AReplayOfTheLargestCustomerIsByteForByteTheFirstAnswer", aReplayOfTheLargestCustomerIsByteForByteTheFirstAnswer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newRepo(t)) })
	}
}

var keys struct {
	sync.Mutex
	n int
}

// key is a new key of the subject "tester" for a call with those
// arguments, made at.
func key(arguments string, at time.Time) application.IdempotencyKey {
	return keyOf("tester", arguments, at)
}

// keyOf is a new key of subject for a call with those arguments, made at.
func keyOf(subject, arguments string, at time.Time) application.IdempotencyKey {
	keys.Lock()
	defer keys.Unlock()
	keys.n++
	return application.IdempotencyKey{Subject: subject, Scope: fmt.Sprintf("%s/key-%d", subject, keys.n), Fingerprint: arguments, At: at}
}

// sentAgain is k on a call sent again, after.
func sentAgain(k application.IdempotencyKey, after time.Duration) application.IdempotencyKey {
	k.At = k.At.Add(after)
	return k
}

func addWorkAddress(c *domain.Customer) (application.NewEvent, error) {
	_, err := c.AddAddresses([]domain.AddressInput{workAddress}, now())
	return event(application.EventAddressCreated), err
}

func keyedWritesSentAgainWriteOnce(t *testing.T, s Store) {
	// A create sent again builds its customer anew (another id, another
	// hash); the store answers the first.
	k := key("create ada", now())
	first, err := s.Create(ctx(t), newCustomer(t, "ada@example.com"), event(application.EventCreated), k)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.Create(ctx(t), newCustomer(t, "ada@example.com"), event(application.EventCreated), sentAgain(k, time.Minute))
	if err != nil || again.ID() != first.ID() || again.Version() != 0 {
		t.Fatalf("create sent again: %v, %v; want the first customer, %s", again, err, first.ID())
	}
	id := first.ID()

	k = key("patch lastName=King", now())
	patched, err := s.Patch(ctx(t), id, mustPatch(t, domain.CustomerChanges{LastName: new("King")}), nil, now(), event(application.EventUpdated), k)
	if err != nil {
		t.Fatal(err)
	}
	// In between, another write: the answer sent again is still the first.
	if _, err := patch(s, ctx(t), id, mustPatch(t, domain.CustomerChanges{FirstName: new("Augusta")}), nil, now(), event(application.EventUpdated)); err != nil {
		t.Fatal(err)
	}
	patchedAgain, err := s.Patch(ctx(t), id, mustPatch(t, domain.CustomerChanges{LastName: new("King")}), nil, now(), event(application.EventUpdated), sentAgain(k, time.Minute))
	if err != nil || !equalSnapshots(patchedAgain.Snapshot(), withoutHash(patched.Snapshot())) {
		t.Fatalf("patch sent again: %+v, %v; want the first answer %+v", patchedAgain, err, patched)
	}

	k = key("add the work address", now())
	added, err := s.Update(ctx(t), id, k, addWorkAddress)
	if err != nil {
		t.Fatal(err)
	}
	addedAgain, err := s.Update(ctx(t), id, sentAgain(k, time.Hour), addWorkAddress)
	if err != nil || !equalSnapshots(addedAgain.Snapshot(), withoutHash(added.Snapshot())) {
		t.Fatalf("update sent again: %+v, %v; want the first answer %+v", addedAgain, err, added)
	}
	stored := mustGet(t, s, id)
	if stored.Version != 3 || len(stored.Addresses) != 2 || stored.LastName != "King" {
		t.Fatalf("stored %+v, want version 3 with one address added: each write once", stored)
	}

	k = key("remove", now())
	if err := s.Delete(ctx(t), id, event(application.EventRemoved), k); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx(t), id, event(application.EventRemoved), sentAgain(k, time.Minute)); err != nil {
		t.Fatalf("delete sent again: %v, want its first answer, success", err)
	}
	if events := pending(t, s, id); len(events) != 5 {
		t.Fatalf("pending %v, want one event per write (5)", types(events))
	}
}

func withoutHash(s domain.CustomerSnapshot) domain.CustomerSnapshot {
	s.PasswordHash = ""
	return s
}

// The key of a patch, sent with other arguments to any write of the same
// customer, is refused, and writes nothing.
func aKeyWithOtherArgumentsIsRefused(t *testing.T, s Store) {
	c := mustCreate(t, s, "ada@example.com")
	k := key("patch lastName=King", now())
	if _, err := s.Patch(ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{LastName: new("King")}), nil, now(), event(application.EventUpdated), k); err != nil {
		t.Fatal(err)
	}
	other := k
	other.Fingerprint = "patch lastName=Byron"
	_, err := s.Patch(ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{LastName: new("Byron")}), nil, now(), event(application.EventUpdated), other)
	wantErr(t, err, application.ErrIdempotencyKeyReused)
	other.Fingerprint = "add the work address"
	_, err = s.Update(ctx(t), c.ID(), other, addWorkAddress)
	wantErr(t, err, application.ErrIdempotencyKeyReused)
	other.Fingerprint = "remove"
	wantErr(t, s.Delete(ctx(t), c.ID(), event(application.EventRemoved), other), application.ErrIdempotencyKeyReused)
	if stored := mustGet(t, s, c.ID()); stored.LastName != "King" || stored.Version != 1 || len(stored.Addresses) != 1 {
		t.Fatalf("stored %+v, want the first write alone", stored)
	}
}

// Past the window, a key is a new key.
func aKeyOlderThanTheWindowIsForgotten(t *testing.T, s Store) {
	c := mustCreate(t, s, "ada@example.com")
	k := key("patch lastName=King", now())
	if _, err := s.Patch(ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{LastName: new("King")}), nil, now(), event(application.EventUpdated), k); err != nil {
		t.Fatal(err)
	}
	later := sentAgain(k, application.IdempotencyWindow+time.Minute)
	later.Fingerprint = "add the work address"
	if _, err := s.Update(ctx(t), c.ID(), later, addWorkAddress); err != nil {
		t.Fatalf("a key a day old: %v, want a new write", err)
	}
	if stored := mustGet(t, s, c.ID()); stored.Version != 2 || len(stored.Addresses) != 2 {
		t.Fatalf("stored %+v, want both writes", stored)
	}
}

// Ten copies of one keyed address creation at once: one address more,
// and every copy answers the customer with it.
func concurrentWritesWithOneKeyWriteOnce(t *testing.T, s Store) {
	c := mustCreate(t, s, "ada@example.com")
	k := key("add the work address", now())
	var wg sync.WaitGroup
	versions := make([]int64, 10)
	for i := range versions {
		wg.Go(func() {
			got, err := s.Update(ctx(t), c.ID(), k, addWorkAddress)
			if err != nil {
				t.Errorf("copy %d: %v", i, err)
				return
			}
			versions[i] = got.Version()
		})
	}
	wg.Wait()
	stored := mustGet(t, s, c.ID())
	if stored.Version != 1 || len(stored.Addresses) != 2 {
		t.Fatalf("stored %+v, want one address added", stored)
	}
	for i, v := range versions {
		if v != 1 {
			t.Errorf("copy %d answered version %d, want the one write's, 1", i, v)
		}
	}
}

// A write refused (here: the email is taken) records no key: sent again
// once the email is free, it runs and lands.
func aWriteThatFailedLeavesNoKey(t *testing.T, s Store) {
	c := mustCreate(t, s, "ada@example.com")
	grace := mustCreate(t, s, "grace@example.com")
	k := key("patch email=grace", now())
	_, err := s.Patch(ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{Email: new("grace@example.com")}), nil, now(), event(application.EventUpdated), k)
	if !errors.Is(err, domain.ErrDuplicateEmail) {
		t.Fatalf("patch to a taken email: %v", err)
	}
	if err := remove(s, ctx(t), grace.ID(), event(application.EventRemoved)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Patch(ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{Email: new("grace@example.com")}), nil, now(), event(application.EventUpdated), sentAgain(k, time.Minute))
	if err != nil || got.Email() != "grace@example.com" {
		t.Fatalf("sent again once the email is free: %v, %v", got, err)
	}
}

// rendered is c as the API answers it.
func rendered(t *testing.T, c *domain.Customer) string {
	t.Helper()
	b, err := json.Marshal(jsonview.FromCustomer(c))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// largestCustomer is a new customer as large as the domain allows, of
// random 4-byte characters, which compress about as badly as any.
func largestCustomer(t *testing.T, email string) *domain.Customer {
	t.Helper()
	m := largecustomer.New(largecustomer.Random, uint64(len(email)))
	c, err := domain.NewCustomer(domain.NewCustomerInput{
		Email: email, Password: "correct horse", FirstName: m.Field(domain.MaxNameLength), LastName: m.Field(domain.MaxNameLength),
		Tags: m.Tags(), Addresses: m.Addresses(),
	}, bcrypt.MinCost, now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A store keeps results compressed; what a copy gets back is still the
// first answer, byte for byte, for the largest customer there is, after
// the customer changed, by every kind of write.
func aReplayOfTheLargestCustomerIsByteForByteTheFirstAnswer(t *testing.T, s Store) {
	k := key("create the largest", now())
	first, err := s.Create(ctx(t), largestCustomer(t, "large@example.com"), event(application.EventCreated), k)
	if err != nil {
		t.Fatal(err)
	}
	id := first.ID()
	again, err := s.Create(ctx(t), largestCustomer(t, "large@example.com"), event(application.EventCreated), sentAgain(k, time.Minute))
	if err != nil || rendered(t, again) != rendered(t, first) {
		t.Fatalf("create sent again: %v; the answers differ", err)
	}

	k = key("patch lastName=King", now())
	patched, err := s.Patch(ctx(t), id, mustPatch(t, domain.CustomerChanges{LastName: new("King")}), nil, now(), event(application.EventUpdated), k)
	if err != nil {
		t.Fatal(err)
	}
	replace := func(c *domain.Customer) (application.NewEvent, error) {
		in := largecustomer.New(largecustomer.Random, 7).Address()
		_, err := c.ReplaceAddress(c.Snapshot().Addresses[0].ID, in, now())
		return event(application.EventAddressUpdated), err
	}
	ku := key("replace the first address", now())
	replaced, err := s.Update(ctx(t), id, ku, replace)
	if err != nil {
		t.Fatal(err)
	}
	patchedAgain, err := s.Patch(ctx(t), id, mustPatch(t, domain.CustomerChanges{LastName: new("King")}), nil, now(), event(application.EventUpdated), sentAgain(k, time.Hour))
	if err != nil || rendered(t, patchedAgain) != rendered(t, patched) {
		t.Fatalf("patch sent again after another write: %v; the answers differ", err)
	}
	replacedAgain, err := s.Update(ctx(t), id, sentAgain(ku, time.Hour), replace)
	if err != nil || rendered(t, replacedAgain) != rendered(t, replaced) {
		t.Fatalf("update sent again: %v; the answers differ", err)
	}
	if len(rendered(t, replaced)) < 400_000 {
		t.Fatalf("the customer renders in %d bytes, want the largest there is", len(rendered(t, replaced)))
	}
	if stored := mustGet(t, s, id); stored.Version != 2 {
		t.Fatalf("stored version %d, want each write once", stored.Version)
	}
}
