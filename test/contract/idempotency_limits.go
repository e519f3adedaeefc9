package contract

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// NewKeyedStore returns an empty store whose keyed writes keep limits.
type NewKeyedStore func(t *testing.T, limits application.IdempotencyLimits) Store

// smallLimit holds a handful of the records these tests leave (each at
// least 512 bytes, see application.KeyRecordBytes).
const smallLimit = 8 << 10

// RunIdempotencyLimits runs the part of the contract about
// application.IdempotencyLimits: what one subject's keyed writes leave is
// bounded, and refusing them changes nothing for anyone else.
func RunIdempotencyLimits(t *testing.T, newStore NewKeyedStore) {
	tests := []struct {
		name string
		run  func(t *testing.T, repo Store)
	}{
		{"ASubjectOverItsLimitIsRefusedAndWritesNothingWhileOthersGoOn", aSubjectOverItsLimitIsRefused},
		{"RecordsLeavingTheWindowFreeTheLimitWhenRetryAfterSays", recordsLeavingTheWindowFreeTheLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run(t, newStore(t, application.IdempotencyLimits{MaxBytesPerSubject: smallLimit}))
		})
	}
}

// fill makes keyed patches of id for subject, made at, until the store
// refuses one, and returns the keys that landed and the refusal.
func fill(t *testing.T, s Store, id, subject string, at time.Time) ([]application.IdempotencyKey, *application.BusyError) {
	t.Helper()
	var landed []application.IdempotencyKey
	for i := range smallLimit / 512 * 2 {
		name := fmt.Sprintf("Name-%03d", i)
		k := keyOf(subject, "patch lastName="+name, at.Add(time.Duration(i)*time.Millisecond))
		_, err := s.Patch(ctx(t), id, mustPatch(t, domain.CustomerChanges{LastName: &name}), nil, now(), event(application.EventUpdated), k)
		var busy *application.BusyError
		switch {
		case errors.As(err, &busy) && errors.Is(err, application.ErrBusy):
			if len(landed) < 2 {
				t.Fatalf("refused after %d keyed writes, want a few to fit in %d bytes", len(landed), smallLimit)
			}
			return landed, busy
		case err != nil:
			t.Fatalf("keyed write %d: %v", i, err)
		}
		landed = append(landed, k)
	}
	t.Fatalf("%d keyed writes of %s landed within %d bytes", len(landed), subject, smallLimit)
	return nil, nil
}

// fillUp is fill, then keyed removals (the smallest records there are) of
// customers made for them, until one is refused: the subject has no room
// left for any record.
func fillUp(t *testing.T, s Store, id, subject string, at time.Time) ([]application.IdempotencyKey, *application.BusyError) {
	t.Helper()
	landed, busy := fill(t, s, id, subject, at)
	for i := range smallLimit / 512 {
		c := mustCreate(t, s, fmt.Sprintf("filler-%d@example.com", i))
		err := s.Delete(ctx(t), c.ID(), event(application.EventRemoved), keyOf(subject, "remove", at.Add(time.Second)))
		if errors.As(err, &busy) {
			return landed, busy
		}
		if err != nil {
			t.Fatalf("keyed removal %d: %v", i, err)
		}
	}
	t.Fatalf("keyed removals of %s kept landing", subject)
	return nil, nil
}

// Once a subject's records reach the limit, each of its keyed writes of
// any kind is refused, busy, and leaves the store as it was; its copies
// of earlier writes still get their answers, and other subjects and
// writes without a key go on.
func aSubjectOverItsLimitIsRefused(t *testing.T, s Store) {
	c := mustCreate(t, s, "ada@example.com")
	at := now()
	created := keyOf("greedy", "create linus", at)
	linus, err := s.Create(ctx(t), newCustomer(t, "linus@example.com"), event(application.EventCreated), created)
	if err != nil {
		t.Fatal(err)
	}
	landed, busy := fillUp(t, s, c.ID(), "greedy", at)
	// A store that ages its counts by periods may say a few minutes more.
	if busy.RetryAfter <= 0 || busy.RetryAfter > application.IdempotencyWindow+10*time.Minute {
		t.Fatalf("retry after %s, want about when the first record leaves the window", busy.RetryAfter)
	}
	before, events := mustGet(t, s, c.ID()), len(pending(t, s, c.ID()))
	later := at.Add(time.Minute)

	_, err = s.Patch(ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{FirstName: new("Augusta")}), nil, now(), event(application.EventUpdated),
		keyOf("greedy", "patch firstName=Augusta", later))
	wantErr(t, err, application.ErrBusy)
	_, err = s.Update(ctx(t), c.ID(), keyOf("greedy", "add the work address", later), addWorkAddress)
	wantErr(t, err, application.ErrBusy)
	_, err = s.Create(ctx(t), newCustomer(t, "grace@example.com"), event(application.EventCreated), keyOf("greedy", "create grace", later))
	wantErr(t, err, application.ErrBusy)
	wantErr(t, s.Delete(ctx(t), c.ID(), event(application.EventRemoved), keyOf("greedy", "remove", later)), application.ErrBusy)
	if after := mustGet(t, s, c.ID()); !equalSnapshots(after, before) || len(pending(t, s, c.ID())) != events {
		t.Fatalf("a refused write changed the customer: %+v, then %+v", before, after)
	}
	if _, err := s.FindByEmail(ctx(t), "grace@example.com"); !errors.Is(err, domain.ErrCustomerNotFound) {
		t.Fatalf("the refused create made a customer (%v)", err)
	}

	// A copy writes nothing new to remember, and is answered.
	if again, err := s.Create(ctx(t), newCustomer(t, "linus@example.com"), event(application.EventCreated), sentAgain(created, time.Minute)); err != nil || again.ID() != linus.ID() {
		t.Fatalf("a copy of a keyed create: %v, %v; want the customer it made, %s", again, err, linus.ID())
	}
	copyOf := landed[0]
	first, err := s.Patch(ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{LastName: new("Name-000")}), nil, now(), event(application.EventUpdated),
		sentAgain(copyOf, time.Minute))
	if err != nil || first.Version() != 1 {
		t.Fatalf("a copy of the first keyed write: %v, %v; want its answer, version 1", first, err)
	}
	if _, err := s.Patch(ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{FirstName: new("Augusta")}), nil, now(), event(application.EventUpdated),
		keyOf("modest", "patch firstName=Augusta", later)); err != nil {
		t.Fatalf("another subject's keyed write: %v", err)
	}
	if _, err := update(s, ctx(t), c.ID(), addWorkAddress); err != nil {
		t.Fatalf("a write without a key: %v", err)
	}
	if got := mustGet(t, s, c.ID()); got.Version != before.Version+2 {
		t.Fatalf("stored version %d, want the two other writes on top of %d", got.Version, before.Version)
	}
}

// A refusal's RetryAfter is when enough of the subject's records have
// left the window: sent a moment sooner, the same write is still refused;
// sent then, it lands. A window later, the whole limit is free again.
func recordsLeavingTheWindowFreeTheLimit(t *testing.T, s Store) {
	c := mustCreate(t, s, "ada@example.com")
	at := now()
	landed, busy := fill(t, s, c.ID(), "greedy", at)
	refusedAt := at.Add(time.Duration(len(landed)) * time.Millisecond)
	// The same write each time, down to its updatedAt: the same record.
	name, updatedAt := "Retried", now()
	retry := func(after time.Duration) error {
		k := keyOf("greedy", "patch lastName=Retried", refusedAt.Add(after))
		_, err := s.Patch(ctx(t), c.ID(), mustPatch(t, domain.CustomerChanges{LastName: &name}), nil, updatedAt, event(application.EventUpdated), k)
		return err
	}
	wantErr(t, retry(busy.RetryAfter-time.Millisecond), application.ErrBusy)
	if err := retry(busy.RetryAfter); err != nil {
		t.Fatalf("sent again after the %s the refusal said: %v", busy.RetryAfter, err)
	}
	if got := mustGet(t, s, c.ID()); got.LastName != "Retried" {
		t.Fatalf("stored %+v, want the write that landed", got)
	}
	again, _ := fill(t, s, c.ID(), "greedy", refusedAt.Add(application.IdempotencyWindow+time.Hour))
	if len(again) < len(landed)-1 {
		t.Fatalf("a window later, %d keyed writes landed, want about the %d of an empty limit", len(again), len(landed))
	}
}
