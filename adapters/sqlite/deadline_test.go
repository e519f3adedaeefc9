package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

func newCustomer(t *testing.T, s *sqlite.Store) *domain.Customer {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Millisecond)
	c, err := domain.NewCustomer(domain.NewCustomerInput{Email: "ada@example.com", Password: "correct horse",
		FirstName: "Ada", LastName: "Lovelace"}, bcrypt.MinCost, now)
	if err != nil {
		t.Fatal(err)
	}
	ev := application.NewEvent{ID: domain.NewID(), At: now, Args: application.CustomerCreated{Customer: c}}
	if _, err := s.Create(context.Background(), c, ev, application.IdempotencyKey{}); err != nil {
		t.Fatal(err)
	}
	return c
}

func rename(t *testing.T, lastName string) domain.CustomerPatch {
	t.Helper()
	p, err := domain.NewCustomerPatch(domain.CustomerChanges{LastName: &lastName})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func updated() application.NewEvent {
	return application.NewEvent{ID: domain.NewID(), At: time.Now(), Args: application.CustomerUpdated{ID: "any"}}
}

// checkUnchanged fails unless the customer is as created, with its CREATE
// event alone.
func checkUnchanged(t *testing.T, s *sqlite.Store, c *domain.Customer) {
	t.Helper()
	got, err := s.Get(context.Background(), c.ID())
	if err != nil {
		t.Fatal(err)
	}
	if got.Snapshot().LastName != "Lovelace" || got.Version() != c.Version() {
		t.Fatalf("stored %+v, want the customer as created", got.Snapshot())
	}
	events, err := s.Pending(context.Background(), c.ID())
	if err != nil || len(events) != 1 {
		t.Fatalf("pending events %v (%v), want the CREATE alone", events, err)
	}
}

// Another process holds the write lock: writes that wait past their
// deadline, for the lock or for their turn on the write connection,
// answer unavailable, and none of them is written afterwards.
func TestWritesWaitingPastTheirDeadlineForTheLockWriteNothing(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	c := newCustomer(t, s)

	other, err := sql.Open("sqlite", "file:"+filepath.Join(dir, sqlite.FileName)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			_, errs[i] = s.Patch(ctx, c.ID(), rename(t, "King"), nil, time.Now(), updated(), application.IdempotencyKey{})
		})
	}
	wg.Wait()
	if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	for i, err := range errs {
		if !errors.Is(err, application.ErrUnavailable) {
			t.Errorf("write %d: %v, want unavailable", i, err)
		}
	}
	time.Sleep(100 * time.Millisecond) // anything still queued would land now
	checkUnchanged(t, s, c)
}

// The deadline passes while the transaction runs, after the customer was
// read and changed and before the commit: nothing is written.
func TestWriteWhoseDeadlinePassesBeforeCommitWritesNothing(t *testing.T) {
	s := openStore(t, t.TempDir())
	c := newCustomer(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	_, err := s.Update(ctx, c.ID(), application.IdempotencyKey{}, func(c *domain.Customer) (application.NewEvent, error) {
		c.Apply(rename(t, "King"), time.Now())
		cancel()
		return updated(), nil
	})
	if !errors.Is(err, application.ErrUnavailable) {
		t.Fatalf("Update: %v, want unavailable", err)
	}
	checkUnchanged(t, s, c)
}
