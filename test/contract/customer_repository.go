// Package contract is the behaviour every application.CustomerRepository
// must show, written once and run, every suite of it, against each
// implementation: the SQLite store (adapters/sqlite's tests), and the
// MongoDB adapter (test/mongodb) on the MongoDB stand-in as a process and
// on a database container (FerretDB, or real MongoDB when MONGO_IMAGE
// says so).
package contract

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// Store is what a storage adapter implements: the repository and the
// outbox its writes fill.
type Store interface {
	application.CustomerRepository
	application.Outbox
}

// NewRepository returns an empty store for one test.
type NewRepository func(t *testing.T) Store

// RunCustomerRepository runs the whole suite, the outbox's included; each
// subtest gets its own empty store.
func RunCustomerRepository(t *testing.T, newRepo NewRepository) {
	t.Run("Outbox", func(t *testing.T) { RunOutbox(t, newRepo) })
	t.Run("Idempotency", func(t *testing.T) { RunIdempotency(t, newRepo) })
	tests := []struct {
		name string
		run  func(t *testing.T, repo Store)
	}{
		{"CreatedCustomerReadsBackUnchanged", createdCustomerReadsBackUnchanged},
		{"CreateWithTakenEmailIsDuplicateKey", createWithTakenEmailIsDuplicateKey},
		{"GetUnknownIDIsNotFound", getUnknownIDIsNotFound},
		{"PatchChangesOnlyNamedFields", patchChangesOnlyNamedFields},
		{"PatchThatChangesNothingWritesNothing", patchThatChangesNothingWritesNothing},
		{"PatchWithEmptyTagsClearsThem", patchWithEmptyTagsClearsThem},
		{"PatchOfOneSameAndOneNewValueWrites", patchOfOneSameAndOneNewValueWrites},
		{"PatchWithStaleVersionIsConflictAndWritesNothing", patchWithStaleVersionIsConflict},
		{"PatchWithCurrentVersionSucceeds", patchWithCurrentVersionSucceeds},
		{"PatchToTakenEmailIsDuplicateKey", patchToTakenEmailIsDuplicateKey},
		{"PatchUnknownIDIsNotFound", patchUnknownIDIsNotFound},
		{"ConcurrentPatchesOfDifferentFieldsAllSurvive", concurrentPatchesOfDifferentFieldsAllSurvive},
		{"UpdateStoresWhatTheChangeDid", updateStoresWhatTheChangeDid},
		{"UpdateWhoseChangeFailsWritesNothing", updateWhoseChangeFailsWritesNothing},
		{"ConcurrentAddressAdditionsAllSurvive", concurrentAddressAdditionsAllSurvive},
		{"AddressUpdateRacingPatchKeepsBoth", addressUpdateRacingPatchKeepsBoth},
		{"UpdateToTakenEmailIsDuplicateKey", updateToTakenEmailIsDuplicateKey},
		{"DeleteRemovesAndFreesTheEmail", deleteRemovesAndFreesTheEmail},
		{"FindByEmailFindsTheOwner", findByEmailFindsTheOwner},
		{"ListFiltersCombineWithAnd", listFiltersCombineWithAnd},
		{"ListPagesReturnEachCustomerOnce", listPagesReturnEachCustomerOnce},
		{"ListAfterAPositionStartsRightAfterIt", listAfterAPositionStartsRightAfterIt},
		{"WalkingByPositionMeetsEveryLastingCustomerOnce", walkingByPositionMeetsEveryLastingCustomerOnce},
		{"ListWithoutAddressesLeavesThemOut", listWithoutAddressesLeavesThemOut},
		{"ListStopsAtTheFirstErrorOfItsConsumer", listStopsAtTheFirstErrorOfItsConsumer},
		{"ExpiredDeadlineIsUnavailable", expiredDeadlineIsUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run(t, newRepo(t))
		})
	}
}

var clock = struct {
	sync.Mutex
	t time.Time
}{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}

// now gives strictly increasing, millisecond-precise times, so creation
// order is well defined and survives a round trip through BSON dates.
func now() time.Time {
	clock.Lock()
	defer clock.Unlock()
	clock.t = clock.t.Add(time.Millisecond)
	return clock.t
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// The writes without an idempotency key, as most tests make them.

func create(s Store, ctx context.Context, c *domain.Customer, ev application.NewEvent) error {
	_, err := s.Create(ctx, c, ev, application.IdempotencyKey{})
	return err
}

func patch(s Store, ctx context.Context, id string, p domain.CustomerPatch, expectedVersion *int64, at time.Time, ev application.NewEvent) (*domain.Customer, error) {
	return s.Patch(ctx, id, p, expectedVersion, at, ev, application.IdempotencyKey{})
}

func update(s Store, ctx context.Context, id string, change func(*domain.Customer) (application.NewEvent, error)) (*domain.Customer, error) {
	return s.Update(ctx, id, application.IdempotencyKey{}, change)
}

func remove(s Store, ctx context.Context, id string, ev application.NewEvent) error {
	return s.Delete(ctx, id, ev, application.IdempotencyKey{})
}

// event is a fresh event of type t, as a use case would record it.
func event(t application.EventType) application.NewEvent {
	return application.NewEvent{ID: domain.NewID(), At: now(), Args: argsOf(t)}
}

// argsOf are arguments of type t that name their type wherever they name
// an id, so that an event's arguments tell which write recorded them.
func argsOf(t application.EventType) application.EventArgs {
	mark := "args-of-" + string(t)
	switch t {
	case application.EventCreated:
		return application.CustomerCreated{Customer: domain.RestoreCustomer(domain.CustomerSnapshot{ID: mark, Email: mark})}
	case application.EventUpdated:
		return application.CustomerUpdated{ID: mark}
	case application.EventRemoved:
		return application.CustomerRemoved{ID: mark}
	case application.EventAddressCreated:
		return application.AddressesAdded{CustomerID: mark}
	case application.EventAddressUpdated:
		return application.AddressReplaced{CustomerID: mark}
	case application.EventAddressRemoved:
		return application.AddressRemoved{CustomerID: mark, AddressID: mark}
	case application.EventPasswordChanged:
		return application.PasswordChanged{ID: mark}
	}
	panic("contract: no arguments for events of type " + t)
}

func newCustomer(t *testing.T, email string, tags ...string) *domain.Customer {
	t.Helper()
	c, err := domain.NewCustomer(domain.NewCustomerInput{
		Email: email, Password: "correct horse", FirstName: "Ada", LastName: "Lovelace",
		Tags: tags,
		Addresses: []domain.AddressInput{{
			Name: "Work", FirstName: "Ada", Address1: "1650 Bolman Court", PostCode: "61701",
			City: "Bloomington", State: "Illinois", Country: "US", Phone: new(int64(2173203531)),
		}},
	}, bcrypt.MinCost, now())
	if err != nil {
		t.Fatalf("NewCustomer: %v", err)
	}
	return c
}

func mustCreate(t *testing.T, repo Store, email string, tags ...string) *domain.Customer {
	t.Helper()
	c := newCustomer(t, email, tags...)
	if err := create(repo, ctx(t), c, event(application.EventCreated)); err != nil {
		t.Fatalf("Create(%s): %v", email, err)
	}
	return c
}

func mustGet(t *testing.T, repo Store, id string) domain.CustomerSnapshot {
	t.Helper()
	c, err := repo.Get(ctx(t), id)
	if err != nil {
		t.Fatalf("Get(%s): %v", id, err)
	}
	return c.Snapshot()
}

func mustPatch(t *testing.T, ch domain.CustomerChanges) domain.CustomerPatch {
	t.Helper()
	p, err := domain.NewCustomerPatch(ch)
	if err != nil {
		t.Fatalf("NewCustomerPatch: %v", err)
	}
	return p
}

func equalSnapshots(a, b domain.CustomerSnapshot) bool {
	return a.ID == b.ID && a.Email == b.Email && a.PasswordHash == b.PasswordHash &&
		a.FirstName == b.FirstName && a.LastName == b.LastName && a.Status == b.Status &&
		slices.Equal(a.Tags, b.Tags) && slices.EqualFunc(a.Addresses, b.Addresses, equalAddresses) &&
		a.Version == b.Version && a.CreatedAt.Equal(b.CreatedAt) && a.UpdatedAt.Equal(b.UpdatedAt)
}

func equalAddresses(a, b domain.Address) bool {
	phoneA, phoneB := a.Phone, b.Phone
	a.Phone, b.Phone = nil, nil
	samePhone := (phoneA == nil && phoneB == nil) || (phoneA != nil && phoneB != nil && *phoneA == *phoneB)
	return a == b && samePhone
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want %v", err, target)
	}
}

func createdCustomerReadsBackUnchanged(t *testing.T, repo Store) {
	c := mustCreate(t, repo, "ada@example.com", "VIP", "GOLD")
	if got := mustGet(t, repo, c.ID()); !equalSnapshots(got, c.Snapshot()) {
		t.Fatalf("read back %+v\nwant %+v", got, c.Snapshot())
	}
}

func createWithTakenEmailIsDuplicateKey(t *testing.T, repo Store) {
	mustCreate(t, repo, "ada@example.com")
	err := create(repo, ctx(t), newCustomer(t, "ada@example.com"), event(application.EventCreated))
	var dup *domain.DuplicateEmailError
	if !errors.As(err, &dup) || dup.Index != "email_1" || dup.Email != "ada@example.com" {
		t.Fatalf("error = %#v, want DuplicateEmailError{email_1, ada@example.com}", err)
	}
}

func getUnknownIDIsNotFound(t *testing.T, repo Store) {
	_, err := repo.Get(ctx(t), "HkhhuXESl")
	var nf *domain.CustomerNotFoundError
	if !errors.As(err, &nf) || nf.ID != "HkhhuXESl" {
		t.Fatalf("error = %#v, want CustomerNotFoundError{HkhhuXESl}", err)
	}
}

func patchChangesOnlyNamedFields(t *testing.T, repo Store) {
	c := mustCreate(t, repo, "ada@example.com", "VIP")
	at := now()
	got, err := patch(repo, ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{
		FirstName: new("Augusta"), Status: new("INACTIVE"),
	}), nil, at, event(application.EventUpdated))
	if err != nil {
		t.Fatal(err)
	}
	want := c.Snapshot()
	want.FirstName, want.Status, want.Version, want.UpdatedAt = "Augusta", "INACTIVE", 1, at
	if !equalSnapshots(got.Snapshot(), want) {
		t.Fatalf("Patch returned %+v\nwant %+v", got.Snapshot(), want)
	}
	if stored := mustGet(t, repo, c.ID()); !equalSnapshots(stored, want) {
		t.Fatalf("stored %+v\nwant %+v", stored, want)
	}
}

func patchThatChangesNothingWritesNothing(t *testing.T, repo Store) {
	c := mustCreate(t, repo, "ada@example.com", "VIP")
	got, err := patch(repo, ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{
		Email: new("ADA@example.com "), FirstName: new("Ada"), Tags: &[]string{"VIP"},
	}), nil, now(), event(application.EventUpdated))
	if err != nil {
		t.Fatal(err)
	}
	if !equalSnapshots(got.Snapshot(), c.Snapshot()) {
		t.Fatalf("Patch returned %+v\nwant it unchanged %+v", got.Snapshot(), c.Snapshot())
	}
	if stored := mustGet(t, repo, c.ID()); !equalSnapshots(stored, c.Snapshot()) {
		t.Fatalf("stored %+v, want version and updatedAt untouched", stored)
	}
}

// "Something changes" must hold when any one named field differs, even
// if the others are already so.
func patchOfOneSameAndOneNewValueWrites(t *testing.T, repo Store) {
	c := mustCreate(t, repo, "ada@example.com", "VIP")
	for i, ch := range []domain.CustomerChanges{
		{FirstName: new("Ada"), LastName: new("King")},
		{Tags: &[]string{"VIP"}, Status: new("INACTIVE")},
		{Email: new("ada@example.com"), Tags: &[]string{"VIP", "GOLD"}},
	} {
		got, err := patch(repo, ctx(t), c.ID(), mustPatch(t, ch), nil, now(), event(application.EventUpdated))
		if err != nil {
			t.Fatal(err)
		}
		if got.Version() != int64(i+1) {
			t.Fatalf("patch %d left version %d, want %d", i, got.Version(), i+1)
		}
	}
	stored := mustGet(t, repo, c.ID())
	if stored.LastName != "King" || stored.Status != "INACTIVE" || !slices.Equal(stored.Tags, []string{"VIP", "GOLD"}) {
		t.Fatalf("stored %+v", stored)
	}
}

func patchWithEmptyTagsClearsThem(t *testing.T, repo Store) {
	c := mustCreate(t, repo, "ada@example.com", "VIP", "GOLD")
	if _, err := patch(repo, ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{Tags: &[]string{}}), nil, now(), event(application.EventUpdated)); err != nil {
		t.Fatal(err)
	}
	if stored := mustGet(t, repo, c.ID()); len(stored.Tags) != 0 || stored.Version != 1 {
		t.Fatalf("stored tags %q version %d, want none at version 1", stored.Tags, stored.Version)
	}
}

func patchWithStaleVersionIsConflict(t *testing.T, repo Store) {
	c := mustCreate(t, repo, "ada@example.com")
	if _, err := patch(repo, ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{LastName: new("King")}), new(int64(0)), now(), event(application.EventUpdated)); err != nil {
		t.Fatal(err)
	}
	_, err := patch(repo, ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{LastName: new("Byron")}), new(int64(0)), now(), event(application.EventUpdated))
	var vc *domain.VersionConflictError
	if !errors.As(err, &vc) || vc.Expected != 0 || vc.Actual != 1 {
		t.Fatalf("error = %#v, want VersionConflictError{expected 0, actual 1}", err)
	}
	if stored := mustGet(t, repo, c.ID()); stored.LastName != "King" || stored.Version != 1 {
		t.Fatalf("stored lastName %q version %d, want King at 1", stored.LastName, stored.Version)
	}
	// A stale version is a conflict even when the patch would change nothing.
	_, err = patch(repo, ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{LastName: new("King")}), new(int64(0)), now(), event(application.EventUpdated))
	wantErr(t, err, domain.ErrVersionConflict)
}

func patchWithCurrentVersionSucceeds(t *testing.T, repo Store) {
	c := mustCreate(t, repo, "ada@example.com")
	for v := int64(0); v < 3; v++ {
		got, err := patch(repo, ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{LastName: new(fmt.Sprint("King", v))}), &v, now(), event(application.EventUpdated))
		if err != nil {
			t.Fatalf("patch at version %d: %v", v, err)
		}
		if got.Version() != v+1 {
			t.Fatalf("version after patch = %d, want %d", got.Version(), v+1)
		}
	}
}

func patchToTakenEmailIsDuplicateKey(t *testing.T, repo Store) {
	mustCreate(t, repo, "ada@example.com")
	c := mustCreate(t, repo, "grace@example.com")
	_, err := patch(repo, ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{Email: new("Ada@Example.com"), FirstName: new("Grace")}), nil, now(), event(application.EventUpdated))
	var dup *domain.DuplicateEmailError
	if !errors.As(err, &dup) || dup.Index != "email_1" || dup.Email != "ada@example.com" {
		t.Fatalf("error = %#v, want DuplicateEmailError{email_1, ada@example.com}", err)
	}
	if stored := mustGet(t, repo, c.ID()); !equalSnapshots(stored, c.Snapshot()) {
		t.Fatalf("stored %+v, want nothing written", stored)
	}
}

func patchUnknownIDIsNotFound(t *testing.T, repo Store) {
	_, err := patch(repo, ctx(t), "nobody", mustPatch(t, domain.CustomerChanges{LastName: new("King")}), nil, now(), event(application.EventUpdated))
	wantErr(t, err, domain.ErrCustomerNotFound)
	_, err = patch(repo, ctx(t), "nobody", mustPatch(t, domain.CustomerChanges{LastName: new("King")}), new(int64(0)), now(), event(application.EventUpdated))
	wantErr(t, err, domain.ErrCustomerNotFound)
}

// Five writers, one per field, ten patches each, all at once: every
// writer's last value must be stored and the version must count all fifty.
func concurrentPatchesOfDifferentFieldsAllSurvive(t *testing.T, repo Store) {
	c := mustCreate(t, repo, "ada@example.com")
	const rounds = 10
	changes := []func(i int) domain.CustomerChanges{
		func(i int) domain.CustomerChanges {
			return domain.CustomerChanges{Email: new(fmt.Sprintf("ada%d@example.com", i))}
		},
		func(i int) domain.CustomerChanges {
			return domain.CustomerChanges{FirstName: new(fmt.Sprint("First", i))}
		},
		func(i int) domain.CustomerChanges {
			return domain.CustomerChanges{LastName: new(fmt.Sprint("Last", i))}
		},
		func(i int) domain.CustomerChanges {
			return domain.CustomerChanges{Status: new([]string{"INACTIVE", "ACTIVE"}[i%2])}
		},
		func(i int) domain.CustomerChanges { return domain.CustomerChanges{Tags: &[]string{fmt.Sprint("T", i)}} },
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(changes)*rounds)
	for _, change := range changes {
		wg.Go(func() {
			for i := range rounds {
				p, err := domain.NewCustomerPatch(change(i))
				if err == nil {
					_, err = patch(repo, ctx(t), c.ID(), p, nil, now(), event(application.EventUpdated))
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent patch: %v", err)
	}
	last := rounds - 1
	got := mustGet(t, repo, c.ID())
	if got.Email != fmt.Sprintf("ada%d@example.com", last) || got.FirstName != fmt.Sprint("First", last) ||
		got.LastName != fmt.Sprint("Last", last) || got.Status != "ACTIVE" || !slices.Equal(got.Tags, []string{fmt.Sprint("T", last)}) {
		t.Fatalf("stored %+v, want every writer's last value", got)
	}
	if got.Version != int64(len(changes)*rounds) {
		t.Fatalf("version = %d, want %d (one per patch)", got.Version, len(changes)*rounds)
	}
}

var workAddress = domain.AddressInput{
	Name: "Home", FirstName: "Ada", Address1: "12 St James's Square", PostCode: "SW1Y 4JH",
	City: "London", State: "London", Country: "gb",
}

func updateStoresWhatTheChangeDid(t *testing.T, repo Store) {
	c := mustCreate(t, repo, "ada@example.com")
	var added []domain.Address
	got, err := update(repo, ctx(t), c.ID(), func(c *domain.Customer) (ev application.NewEvent, err error) {
		added, err = c.AddAddresses([]domain.AddressInput{workAddress}, now())
		return event(application.EventAddressCreated), err
	})
	if err != nil {
		t.Fatal(err)
	}
	stored := mustGet(t, repo, c.ID())
	if !equalSnapshots(stored, got.Snapshot()) || len(stored.Addresses) != 2 || stored.Addresses[1].ID != added[0].ID ||
		stored.Addresses[1].Country != "GB" || stored.Version != 1 {
		t.Fatalf("stored %+v, want the added address at version 1", stored)
	}
	if _, err := update(repo, ctx(t), "nobody", func(*domain.Customer) (application.NewEvent, error) { return event(application.EventUpdated), nil }); !errors.Is(err, domain.ErrCustomerNotFound) {
		t.Fatalf("Update(unknown) error = %v, want not found", err)
	}
}

func updateWhoseChangeFailsWritesNothing(t *testing.T, repo Store) {
	c := mustCreate(t, repo, "ada@example.com")
	_, err := update(repo, ctx(t), c.ID(), func(c *domain.Customer) (application.NewEvent, error) {
		return event(application.EventAddressRemoved), c.RemoveAddress("no-such-address", now())
	})
	wantErr(t, err, domain.ErrAddressNotFound)
	if stored := mustGet(t, repo, c.ID()); !equalSnapshots(stored, c.Snapshot()) {
		t.Fatalf("stored %+v, want nothing written", stored)
	}
}

func concurrentAddressAdditionsAllSurvive(t *testing.T, repo Store) {
	c := mustCreate(t, repo, "ada@example.com")
	const writers = 20
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			in := workAddress
			in.Name = fmt.Sprint("Address ", i)
			_, err := update(repo, ctx(t), c.ID(), func(c *domain.Customer) (application.NewEvent, error) {
				_, err := c.AddAddresses([]domain.AddressInput{in}, now())
				return event(application.EventAddressCreated), err
			})
			if err != nil {
				t.Errorf("writer %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	got := mustGet(t, repo, c.ID())
	if len(got.Addresses) != writers+1 || got.Version != writers {
		t.Fatalf("stored %d addresses at version %d, want %d at %d", len(got.Addresses), got.Version, writers+1, writers)
	}
	names := map[string]bool{}
	for _, a := range got.Addresses {
		names[a.Name] = true
	}
	for i := range writers {
		if !names[fmt.Sprint("Address ", i)] {
			t.Errorf("address %d lost", i)
		}
	}
}

func addressUpdateRacingPatchKeepsBoth(t *testing.T, repo Store) {
	for round := range 10 {
		c := mustCreate(t, repo, fmt.Sprintf("race%d@example.com", round))
		addressID := c.Addresses()[0].ID
		var wg sync.WaitGroup
		wg.Go(func() {
			_, err := update(repo, ctx(t), c.ID(), func(c *domain.Customer) (application.NewEvent, error) {
				in := workAddress
				in.City = "Paris"
				in.Country = "FR"
				_, err := c.ReplaceAddress(addressID, in, now())
				return event(application.EventAddressUpdated), err
			})
			if err != nil {
				t.Errorf("address update: %v", err)
			}
		})
		wg.Go(func() {
			if _, err := patch(repo, ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{LastName: new("King")}), nil, now(), event(application.EventUpdated)); err != nil {
				t.Errorf("patch: %v", err)
			}
		})
		wg.Wait()
		got := mustGet(t, repo, c.ID())
		if got.LastName != "King" || got.Addresses[0].City != "Paris" || got.Version != 2 {
			t.Fatalf("round %d: stored lastName %q city %q version %d, want both writes at version 2",
				round, got.LastName, got.Addresses[0].City, got.Version)
		}
	}
}

func updateToTakenEmailIsDuplicateKey(t *testing.T, repo Store) {
	mustCreate(t, repo, "ada@example.com")
	c := mustCreate(t, repo, "grace@example.com")
	_, err := update(repo, ctx(t), c.ID(), func(c *domain.Customer) (application.NewEvent, error) {
		c.Apply(mustPatch(t, domain.CustomerChanges{Email: new("ada@example.com")}), now())
		return event(application.EventUpdated), nil
	})
	var dup *domain.DuplicateEmailError
	if !errors.As(err, &dup) || dup.Index != "email_1" || dup.Email != "ada@example.com" {
		t.Fatalf("error = %#v, want DuplicateEmailError{email_1, ada@example.com}", err)
	}
}

func deleteRemovesAndFreesTheEmail(t *testing.T, repo Store) {
	c := mustCreate(t, repo, "ada@example.com")
	if err := remove(repo, ctx(t), c.ID(), event(application.EventRemoved)); err != nil {
		t.Fatal(err)
	}
	_, err := repo.Get(ctx(t), c.ID())
	wantErr(t, err, domain.ErrCustomerNotFound)
	wantErr(t, remove(repo, ctx(t), c.ID(), event(application.EventRemoved)), domain.ErrCustomerNotFound)
	mustCreate(t, repo, "ada@example.com")
}

func findByEmailFindsTheOwner(t *testing.T, repo Store) {
	c := mustCreate(t, repo, "ada@example.com")
	mustCreate(t, repo, "grace@example.com")
	got, err := repo.FindByEmail(ctx(t), "ada@example.com")
	if err != nil || got.ID() != c.ID() {
		t.Fatalf("FindByEmail = %v, %v; want customer %s", got, err, c.ID())
	}
	_, err = repo.FindByEmail(ctx(t), "nobody@example.com")
	wantErr(t, err, domain.ErrCustomerNotFound)
}

func listFiltersCombineWithAnd(t *testing.T, repo Store) {
	ada := mustCreate(t, repo, "ada@example.com", "VIP", "GOLD")
	grace := mustCreate(t, repo, "grace@example.com", "VIP")
	alan := mustCreate(t, repo, "alan@example.com", "GOLD")
	if _, err := patch(repo, ctx(t), alan.ID(), mustPatch(t, domain.CustomerChanges{Status: new("INACTIVE")}), nil, now(), event(application.EventUpdated)); err != nil {
		t.Fatal(err)
	}
	ids := func(cs []*domain.Customer) []string {
		out := []string{}
		for _, c := range cs {
			out = append(out, c.ID())
		}
		return out
	}
	tests := []struct {
		name string
		q    application.ListQuery
		want []string
	}{
		{"no filter lists all in creation order", application.ListQuery{}, []string{ada.ID(), grace.ID(), alan.ID()}},
		{"ids match any", application.ListQuery{IDs: []string{alan.ID(), ada.ID(), "nobody"}}, []string{ada.ID(), alan.ID()}},
		{"emails match any", application.ListQuery{Emails: []string{"grace@example.com"}}, []string{grace.ID()}},
		{"status", application.ListQuery{Statuses: []domain.Status{domain.StatusInactive}}, []string{alan.ID()}},
		{"tags match any", application.ListQuery{Tags: []string{"GOLD", "NONE"}}, []string{ada.ID(), alan.ID()}},
		{"filters combine with and", application.ListQuery{Tags: []string{"VIP"}, Statuses: []domain.Status{domain.StatusActive}, IDs: []string{grace.ID(), alan.ID()}}, []string{grace.ID()}},
		{"nothing matches", application.ListQuery{Emails: []string{"nobody@example.com"}}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.Limit = 10
			got := list(t, repo, tt.q)
			if !slices.Equal(ids(got), tt.want) {
				t.Fatalf("List = %v, want %v", ids(got), tt.want)
			}
		})
	}
}

func listPagesReturnEachCustomerOnce(t *testing.T, repo Store) {
	const total = 25
	want := make([]string, 0, total)
	for i := range total {
		want = append(want, mustCreate(t, repo, fmt.Sprintf("c%02d@example.com", i)).ID())
	}
	var got []string
	for skip := 0; ; skip += 10 {
		page := list(t, repo, application.ListQuery{Limit: 10, Skip: skip})
		for _, c := range page {
			got = append(got, c.ID())
		}
		if len(page) < 10 {
			break
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("pages gave %v\nwant each customer once, in creation order %v", got, want)
	}
}

func expiredDeadlineIsUnavailable(t *testing.T, repo Store) {
	c := mustCreate(t, repo, "ada@example.com")
	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	_, err := repo.Get(expired, c.ID())
	wantErr(t, err, application.ErrUnavailable)
	_, err = patch(repo, expired, c.ID(), mustPatch(t, domain.CustomerChanges{LastName: new("King")}), nil, now(), event(application.EventUpdated))
	wantErr(t, err, application.ErrUnavailable)
}
