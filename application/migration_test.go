package application_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
	"github.com/microbase-io/customer-service/test/support/sqlitetest"
)

// listed hands the customers it lists, as a source would, and fails
// after the first `fails` of them when fails is set.
type listed struct {
	customers []application.StoredCustomer
	fails     int
}

func (l listed) EachStored(_ context.Context, each func(application.StoredCustomer) error) error {
	for i, c := range l.customers {
		if l.fails > 0 && i == l.fails {
			return errors.New("the source's disk went away")
		}
		if err := each(c); err != nil {
			return err
		}
	}
	return nil
}

func (l listed) CountStored(context.Context) (int64, error) { return int64(len(l.customers)), nil }

type unobserved struct{}

func (unobserved) Phase(string, int64) {}
func (unobserved) Advanced(int64)      {}

func withID(id string) application.StoredCustomer {
	return storedCustomer(func(s *domain.CustomerSnapshot) { s.ID, s.Email = id, id+"@example.com" }, "e-"+id)
}

// migrated returns a target holding c1, c2 and c3 received from "source".
func migrated(t *testing.T) application.MigrationTarget {
	t.Helper()
	target := sqlitetest.Open(t)
	all := listed{customers: []application.StoredCustomer{withID("c1"), withID("c2"), withID("c3")}}
	report, err := application.NewMigration(all, target, "source", unobserved{}, application.SystemClock{}, 10).Run(context.Background())
	if err != nil || report.Copied != 3 || report.Differences.Count != 0 {
		t.Fatalf("the first migration: %+v, %v", report, err)
	}
	return target
}

func count(t *testing.T, s application.MigrationSource) int {
	t.Helper()
	n := 0
	if err := s.EachStored(context.Background(), func(application.StoredCustomer) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// A source that fails part way looks, to a walk, as if it had no more
// customers: the migration stops rather than remove those it did not
// read from the target.
func TestAMigrationWhoseSourceFailsPartWayRemovesNothing(t *testing.T) {
	target := migrated(t)
	failing := listed{customers: []application.StoredCustomer{withID("c1"), withID("c2"), withID("c3")}, fails: 1}
	report, err := application.NewMigration(failing, target, "source", unobserved{}, application.SystemClock{}, 10).Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "disk went away") {
		t.Fatalf("the migration returned %v, want the source's failure", err)
	}
	if report.Removed != 0 || count(t, target) != 3 {
		t.Errorf("the migration removed %d customers; the target holds %d of 3", report.Removed, count(t, target))
	}
}

// A source that does not hand its customers in id order would make the
// walk take customers for absent: the migration refuses it.
func TestAMigrationRefusesASourceOutOfIDOrder(t *testing.T) {
	target := migrated(t)
	unordered := listed{customers: []application.StoredCustomer{withID("c1"), withID("c3"), withID("c2")}}
	report, err := application.NewMigration(unordered, target, "source", unobserved{}, application.SystemClock{}, 10).Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "out of id order") {
		t.Fatalf("the migration returned %v, want a refusal of the order", err)
	}
	if report.Removed != 0 || count(t, target) != 3 {
		t.Errorf("the migration removed %d customers; the target holds %d of 3", report.Removed, count(t, target))
	}
}

// A customer the source no longer has is removed from the target only
// when it came from that same source: another source's are left alone.
func TestAMigrationRemovesOnlyWhatItsOwnSourceGaveTheTarget(t *testing.T) {
	target := migrated(t)
	fewer := listed{customers: []application.StoredCustomer{withID("c1")}}
	report, err := application.NewMigration(fewer, target, "another source", unobserved{}, application.SystemClock{}, 10).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if report.Removed != 0 || report.LeftAlone.Count != 2 || count(t, target) != 3 {
		t.Errorf("from another source: removed %d, left alone %d, the target holds %d of 3", report.Removed, report.LeftAlone.Count, count(t, target))
	}
	report, err = application.NewMigration(fewer, target, "source", unobserved{}, application.SystemClock{}, 10).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if report.Removed != 2 || report.Differences.Count != 0 || count(t, target) != 1 {
		t.Errorf("from its source: removed %d, %d differences, the target holds %d of 1", report.Removed, report.Differences.Count, count(t, target))
	}
}

// A report lists the first findings of each kind and counts them all.
func TestAMigrationReportListsTheFirstFindingsAndCountsThemAll(t *testing.T) {
	target := sqlitetest.Open(t)
	var many []application.StoredCustomer
	for _, id := range []string{"c1", "c2", "c3", "c4", "c5"} {
		many = append(many, withID(id))
	}
	report, err := application.NewMigration(listed{customers: many}, target, "source", unobserved{}, application.SystemClock{}, 2).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if report.Copied != 5 {
		t.Fatalf("copied %d of 5", report.Copied)
	}
	other := sqlitetest.Open(t)
	report, err = application.NewMigration(other, target, "empty", unobserved{}, application.SystemClock{}, 2).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]application.Findings{"left alone": report.LeftAlone, "differences": report.Differences} {
		if f.Count != 5 || len(f.Shown) != 2 || f.Shown[0].ID != "c1" || f.Shown[1].ID != "c2" {
			t.Errorf("%s: %d counted, %v shown; want 5, c1 and c2", name, f.Count, f.Shown)
		}
	}
}
