package migration_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// The customers moved from SQLite to MongoDB and back answer
// customer.info and customer.checkCredentials as they did at first:
// the same fields, versions, address ids, timestamps and password hashes.
func TestSQLiteToMongoDBToSQLiteKeepsEveryAnswerAndCredential(t *testing.T) {
	first, firstName := sqliteEnd.open(t)
	middle, middleName := mongoDBEnd.open(t)
	last, _ := sqliteEnd.open(t)
	s := seed(t, first, 40)
	want := answers(t, first, s)

	mustBeEqual(t, migrate(t, first, middle, firstName))
	mustBeEqual(t, migrate(t, middle, last, middleName))

	for name, repo := range map[string]application.CustomerRepository{"MongoDB": middle, "SQLite again": last} {
		got := answers(t, repo, s)
		for id, w := range want {
			if got[id] != w {
				t.Errorf("%s: customer %s answers\n%s\nwas\n%s", name, id, got[id], w)
			}
		}
	}
}

// A migration stopped part way (its context ended, as SIGINT ends it)
// and run again finishes with the target equal to the source.
func TestAMigrationStoppedPartWayAndRunAgainEndsEqual(t *testing.T) {
	eachPair(t, func(t *testing.T, src, dst store, source string) {
		n := int64(300)
		for i := range n {
			mustCreate(t, src, fmt.Sprintf("customer%d@example.com", i))
		}
		c, cancel := context.WithCancel(ctx(t))
		defer cancel()
		stopper := &stopAfter{n: 150, cancel: cancel}
		report, err := application.NewMigration(src, dst, source, stopper, application.SystemClock{}, 20).Run(c)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("the stopped migration returned %v, want context.Canceled", err)
		}
		if report.Copied == 0 || report.Copied >= n {
			t.Fatalf("the stopped migration copied %d of %d customers: not part way", report.Copied, n)
		}

		again := migrate(t, src, dst, source)
		mustBeEqual(t, again)
		if got := report.Copied + again.Copied; got < n {
			t.Errorf("the two runs copied %d customers, fewer than the %d there are", got, n)
		}
		if again.Unchanged == 0 {
			t.Errorf("the second run found no customer the first had copied: %+v", again)
		}
	})
}

// stopAfter cancels the migration once it has handled n customers.
type stopAfter struct {
	n, seen int64
	cancel  func()
}

func (s *stopAfter) Phase(string, int64) {}
func (s *stopAfter) Advanced(n int64) {
	if s.seen += n; s.seen >= s.n {
		s.cancel()
	}
}

// Events still waiting for the broker on the source, the REMOVE of a
// removed customer included, are published by the target's relay once
// migrated: every one of them, with its id, type and version, in each
// customer's order; and the removed customers then go for good.
func TestEventsWaitingOnTheSourceAreDeliveredByTheTargetsRelay(t *testing.T) {
	eachPair(t, func(t *testing.T, src, dst store, source string) {
		s := seed(t, src, 30)
		want := map[string][]application.Event{}
		for id := range waiting(t, src) {
			events, err := src.Pending(ctx(t), id)
			if err != nil {
				t.Fatal(err)
			}
			want[id] = events
		}
		if len(want) != len(s.email) {
			t.Fatalf("%d customers have events waiting on the source, want all %d", len(want), len(s.email))
		}
		mustBeEqual(t, migrate(t, src, dst, source))

		got := map[string][]application.Event{}
		for _, e := range relayAll(t, dst) {
			got[e.CustomerID] = append(got[e.CustomerID], e)
		}
		for id, events := range want {
			if !slices.EqualFunc(events, got[id], sameDelivery) {
				t.Errorf("customer %s: the target published %v, the source holds %v", id, summary(got[id]), summary(events))
			}
		}
		for _, id := range s.removed {
			if c, err := dst.Get(ctx(t), id); !errors.As(err, new(*domain.CustomerNotFoundError)) {
				t.Errorf("removed customer %s reads as %v, %v on the target", id, c, err)
			}
		}
		if left := waiting(t, dst); len(left) > 0 {
			t.Errorf("events still wait on the target for %d customers", len(left))
		}
		if n, err := dst.CountStored(ctx(t)); err != nil || n != int64(len(s.live)) {
			t.Errorf("the target holds %d customers (%v), want the %d live ones", n, err, len(s.live))
		}
	})
}

func sameDelivery(a, b application.Event) bool {
	return a.ID == b.ID && a.Type == b.Type && a.Version == b.Version && a.OccurredAt.Equal(b.OccurredAt)
}

func summary(events []application.Event) []string {
	var out []string
	for _, e := range events {
		out = append(out, string(e.Type)+"@"+e.ID)
	}
	return out
}

// Run again after writes on the source, a migration copies the customers
// written, removes the one removed for good, and leaves the others.
func TestARerunCopiesOnlyWhatChangedOnTheSource(t *testing.T) {
	eachPair(t, func(t *testing.T, src, dst store, source string) {
		s := seed(t, src, 40)
		relayAll(t, src) // the source's relay publishes everything: nothing waits
		first := migrate(t, src, dst, source)
		mustBeEqual(t, first)
		if first.Copied != int64(len(s.live)) {
			t.Fatalf("the first run copied %d, want %d", first.Copied, len(s.live))
		}

		app := useCases(t, src)
		changed := s.live[:3]
		for _, id := range changed {
			if _, err := app.UpdateCustomer.Handle(ctx(t), application.UpdateCustomerCommand{ID: id,
				Changes: domain.CustomerChanges{LastName: new("Byron")}}); err != nil {
				t.Fatal(err)
			}
		}
		gone, waitingRemoval := s.live[3], s.live[4]
		for _, id := range []string{gone, waitingRemoval} {
			if err := app.RemoveCustomer.Handle(ctx(t), application.RemoveCustomerCommand{ID: id}); err != nil {
				t.Fatal(err)
			}
		}
		relayAll(t, src) // gone's REMOVE is published: the source deletes it for good
		if err := app.RemoveCustomer.Handle(ctx(t), application.RemoveCustomerCommand{ID: s.live[5]}); err != nil {
			t.Fatal(err) // its REMOVE waits: a tombstone to move
		}
		created, err := app.CreateCustomer.Handle(ctx(t), application.CreateCustomerCommand{Customer: domain.NewCustomerInput{
			Email: "new@example.com", Password: "a-new-password", FirstName: "Mary", LastName: "Somerville"}})
		if err != nil {
			t.Fatal(err)
		}

		again := migrate(t, src, dst, source)
		mustBeEqual(t, again)
		// The three changed, the tombstone, the new one.
		if again.Copied != 5 || again.Removed != 2 || again.Unchanged != int64(len(s.live)-6) {
			t.Errorf("the rerun copied %d, removed %d, left %d unchanged; want 5, 2, %d", again.Copied, again.Removed, again.Unchanged, len(s.live)-6)
		}
		if _, err := dst.Get(ctx(t), created.ID()); err != nil {
			t.Errorf("the new customer: %v", err)
		}
		for _, id := range []string{gone, waitingRemoval, s.live[5]} {
			if _, err := dst.Get(ctx(t), id); !errors.As(err, new(*domain.CustomerNotFoundError)) {
				t.Errorf("removed customer %s on the target: %v", id, err)
			}
		}
	})
}

// A customer only the target has, one newer there, and one whose email
// the target gives to another customer are reported and never
// overwritten; the rest is copied, and the verification says the stores
// differ.
func TestTheTargetsOwnCustomersAreReportedAndLeftAlone(t *testing.T) {
	eachPair(t, func(t *testing.T, src, dst store, source string) {
		s := seed(t, src, 10)
		mustBeEqual(t, migrate(t, src, dst, source))

		own := mustCreate(t, dst, "own@example.com")
		newer := s.live[0]
		if _, err := useCases(t, dst).UpdateCustomer.Handle(ctx(t), application.UpdateCustomerCommand{ID: newer,
			Changes: domain.CustomerChanges{LastName: new("Written on the target")}}); err != nil {
			t.Fatal(err)
		}
		holder := mustCreate(t, dst, "taken@example.com")
		wanted := mustCreate(t, src, "taken@example.com") // new: it would be inserted
		otherHolder := mustCreate(t, dst, "also-taken@example.com")
		moved := s.live[1] // copied: it would be replaced
		if _, err := useCases(t, src).UpdateCustomer.Handle(ctx(t), application.UpdateCustomerCommand{ID: moved,
			Changes: domain.CustomerChanges{Email: new("also-taken@example.com")}}); err != nil {
			t.Fatal(err)
		}
		before := storedOf(t, dst)

		report, err := application.NewMigration(src, dst, source, quiet{}, application.SystemClock{}, 20).Run(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		left := map[string]string{}
		for _, f := range report.LeftAlone.Shown {
			left[f.ID] = f.What
		}
		for id, what := range map[string]string{
			own.ID():         "not in the source",
			newer:            "newer on the target",
			holder.ID():      "not in the source",
			wanted.ID():      "held by customer " + holder.ID(),
			otherHolder.ID(): "not in the source",
			moved:            "held by customer " + otherHolder.ID(),
		} {
			if !strings.Contains(left[id], what) {
				t.Errorf("customer %s is reported as %q, want %q", id, left[id], what)
			}
		}
		if report.LeftAlone.Count != 6 {
			t.Errorf("%d customers left alone, want 6: %v", report.LeftAlone.Count, report.LeftAlone.Shown)
		}
		after := storedOf(t, dst)
		for _, id := range []string{own.ID(), newer, holder.ID(), otherHolder.ID(), moved} {
			if d := before[id].Differences(after[id]); len(d) > 0 {
				t.Errorf("customer %s was written on the target: %v", id, d)
			}
		}
		if _, ok := after[wanted.ID()]; ok {
			t.Errorf("customer %s was copied with an email the target gives to %s", wanted.ID(), holder.ID())
		}
		if report.Differences.Count != 6 {
			t.Errorf("the verification found %d differences, want 6: %v", report.Differences.Count, report.Differences.Shown)
		}
	})
}

// An email that moved from one customer to another on the source moves
// on the target in one run, even when the customer that took it comes
// first in the walk, before the one that gave it up or was removed.
func TestAnEmailThatMovedOnTheSourceMovesInOneRun(t *testing.T) {
	eachPair(t, func(t *testing.T, src, dst store, source string) {
		gave := createWithID(t, src, "zz-gave", "moving@example.com")
		mustBeEqual(t, migrate(t, src, dst, source))
		if _, err := useCases(t, src).UpdateCustomer.Handle(ctx(t), application.UpdateCustomerCommand{ID: gave.ID(),
			Changes: domain.CustomerChanges{Email: new("elsewhere@example.com")}}); err != nil {
			t.Fatal(err)
		}
		took := createWithID(t, src, "aa-took", "moving@example.com")

		mustBeEqual(t, migrate(t, src, dst, source))
		if got := mustFind(t, dst, "moving@example.com"); got != took.ID() {
			t.Errorf("moving@example.com belongs to %s on the target, want %s", got, took.ID())
		}

		// Freed by a customer removed for good on the source, and taken by
		// one that comes before it.
		if err := useCases(t, src).RemoveCustomer.Handle(ctx(t), application.RemoveCustomerCommand{ID: took.ID()}); err != nil {
			t.Fatal(err)
		}
		relayAll(t, src)
		again := createWithID(t, src, "aa-again", "moving@example.com")
		mustBeEqual(t, migrate(t, src, dst, source))
		if got := mustFind(t, dst, "moving@example.com"); got != again.ID() {
			t.Errorf("moving@example.com belongs to %s on the target, want %s", got, again.ID())
		}
	})
}

// createWithID stores a new customer under a chosen id, to choose where
// it comes in a walk by id.
func createWithID(t *testing.T, repo application.CustomerRepository, id, email string) *domain.Customer {
	t.Helper()
	c, err := domain.NewCustomer(domain.NewCustomerInput{Email: email, Password: "some-password", FirstName: "Ada", LastName: "Byron"},
		bcrypt.MinCost, application.SystemClock{}.Now())
	if err != nil {
		t.Fatal(err)
	}
	snap := c.Snapshot()
	snap.ID = id
	c = domain.RestoreCustomer(snap)
	ev := application.NewEvent{ID: domain.NewID(), At: snap.CreatedAt, Args: application.CustomerCreated{Customer: domain.RestoreCustomer(snap)}}
	if _, err := repo.Create(ctx(t), c, ev, application.IdempotencyKey{}); err != nil {
		t.Fatal(err)
	}
	return c
}

// The verification compares every field of every customer: a change made
// by hand on the target after the copy is listed.
func TestTheVerificationListsADifferenceMadeByHand(t *testing.T) {
	eachPair(t, func(t *testing.T, src, dst store, source string) {
		s := seed(t, src, 10)
		id := s.live[2]
		hand := &onVerify{do: func() { changeByHand(t, dst, id) }}
		report := migrateObserved(t, src, dst, source, hand)
		if report.Differences.Count != 1 || report.Differences.Shown[0].ID != id ||
			!strings.Contains(report.Differences.Shown[0].What, "lastName") {
			t.Fatalf("the verification found %v, want customer %s's lastName", report.Differences.Shown, id)
		}
		if strings.Contains(report.Differences.Shown[0].What, "Lovelace") {
			t.Errorf("the difference shows a stored value: %q", report.Differences.Shown[0].What)
		}
		// Run again, the migration copies it back.
		mustBeEqual(t, migrate(t, src, dst, source))
	})
}

type onVerify struct{ do func() }

func (o *onVerify) Phase(name string, _ int64) {
	if name == "verify" {
		o.do()
	}
}
func (o *onVerify) Advanced(int64) {}

func mustCreate(t *testing.T, repo application.CustomerRepository, email string) *domain.Customer {
	t.Helper()
	c, err := useCases(t, repo).CreateCustomer.Handle(ctx(t), application.CreateCustomerCommand{Customer: domain.NewCustomerInput{
		Email: email, Password: "some-password", FirstName: "Grace", LastName: "Hopper"}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustFind(t *testing.T, repo application.CustomerRepository, email string) string {
	t.Helper()
	c, err := repo.FindByEmail(ctx(t), email)
	if err != nil {
		t.Fatalf("%s: %v", email, err)
	}
	return c.ID()
}

func storedOf(t *testing.T, s application.MigrationSource) map[string]application.StoredCustomer {
	t.Helper()
	out := map[string]application.StoredCustomer{}
	if err := s.EachStored(ctx(t), func(c application.StoredCustomer) error {
		out[c.Customer.ID()] = c
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// The target lists the migrated customers as the source does, by every
// filter, after the first run and after a rerun that changed tags and
// removed customers: its indexes follow what the migration wrote.
func TestMigratedCustomersAreListedAsOnTheSource(t *testing.T) {
	eachPair(t, func(t *testing.T, src, dst store, source string) {
		s := seed(t, src, 30)
		mustBeEqual(t, migrate(t, src, dst, source))
		sameLists(t, src, dst, s)

		app := useCases(t, src)
		for _, id := range s.live[:4] {
			if _, err := app.UpdateCustomer.Handle(ctx(t), application.UpdateCustomerCommand{ID: id,
				Changes: domain.CustomerChanges{Tags: new([]string{"tag1", "moved"}), Status: new("INACTIVE")}}); err != nil {
				t.Fatal(err)
			}
		}
		if err := app.RemoveCustomer.Handle(ctx(t), application.RemoveCustomerCommand{ID: s.live[4]}); err != nil {
			t.Fatal(err)
		}
		relayAll(t, src)
		mustBeEqual(t, migrate(t, src, dst, source))
		sameLists(t, src, dst, s)
	})
}

func sameLists(t *testing.T, src, dst application.CustomerRepository, s shop) {
	t.Helper()
	queries := map[string]application.ListQuery{
		"all":                {},
		"tag VIP":            {Tags: []string{"VIP"}},
		"tag tag1":           {Tags: []string{"tag1"}},
		"tags moved or tag2": {Tags: []string{"moved", "tag2"}},
		"INACTIVE":           {Statuses: []domain.Status{domain.StatusInactive}},
		"emails":             {Emails: []string{s.email[s.live[0]], s.email[s.live[4]], s.email[s.removed[0]]}},
	}
	for name, q := range queries {
		want, got := listed(t, src, q), listed(t, dst, q)
		if !slices.Equal(got, want) {
			t.Errorf("%s: the target lists %v, the source %v", name, got, want)
		}
	}
	for _, id := range s.removed {
		if _, err := dst.FindByEmail(ctx(t), s.email[id]); !errors.As(err, new(*domain.CustomerNotFoundError)) {
			t.Errorf("the removed customer %s's email finds %v on the target", id, err)
		}
	}
}

func listed(t *testing.T, repo application.CustomerRepository, q application.ListQuery) []string {
	t.Helper()
	ids := []string{}
	if err := repo.List(ctx(t), q, func(c *domain.Customer) error {
		ids = append(ids, c.ID())
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return ids
}

// The cut-over: migrate while the source's service runs (its relay
// publishing), stop writes, migrate the rest, start on the target. Every
// event reaches the bus, and none twice: the second run takes from the
// target the events the source's relay published in between.
func TestACutOverPublishesEveryEventOnce(t *testing.T) {
	eachPair(t, func(t *testing.T, src, dst store, source string) {
		s := seed(t, src, 20)
		var made []string
		for _, events := range waiting(t, src) {
			for _, e := range events {
				made = append(made, e.ID)
			}
		}
		mustBeEqual(t, migrate(t, src, dst, source))
		published := relayAll(t, src) // the service on the source goes on
		app := useCases(t, src)
		for _, id := range s.live[:5] {
			if _, err := app.UpdateCustomer.Handle(ctx(t), application.UpdateCustomerCommand{ID: id,
				Changes: domain.CustomerChanges{LastName: new("Last write")}}); err != nil {
				t.Fatal(err)
			}
		}
		for _, events := range waiting(t, src) {
			for _, e := range events {
				made = append(made, e.ID)
			}
		}
		// Writes stop; the rest moves; the service starts on the target.
		mustBeEqual(t, migrate(t, src, dst, source))
		published = append(published, relayAll(t, dst)...)

		times := map[string]int{}
		for _, e := range published {
			times[e.ID]++
		}
		for _, id := range made {
			if times[id] != 1 {
				t.Errorf("event %s was published %d times", id, times[id])
			}
		}
		if len(published) != len(made) {
			t.Errorf("%d events published, %d made", len(published), len(made))
		}
	})
}
