package migration_test

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
	"github.com/microbase-io/customer-service/test/mongotest"
)

// FiguresVariable sets how many customers TestMigrationFigures moves; it
// runs only when set:
//
//	make test-standin
//	CUSTOMER_TEST_MONGOSERVER=$PWD/bin/mongoserver CUSTOMER_MIGRATION_FIGURES=100000 \
//	    go test -count=1 -timeout 3h -v -run TestMigrationFigures ./test/migration/
//
// FiguresMongoDBVariable names another MongoDB server than the stand-in
// on SQLite the package starts (the stand-in on PostgreSQL, a real
// MongoDB); FiguresChangedVariable the percentage of customers changed
// before the rerun (default 1; 0 skips the rerun).
const (
	FiguresVariable        = "CUSTOMER_MIGRATION_FIGURES"
	FiguresMongoDBVariable = "CUSTOMER_MIGRATION_FIGURES_MONGODB"
	FiguresChangedVariable = "CUSTOMER_MIGRATION_FIGURES_CHANGED"
)

// TestMigrationFigures measures a migration of n customers from SQLite
// into MongoDB and into SQLite, then a rerun after some of them changed
// on the source. It reports figures and asserts only that every run ends
// with the stores equal.
func TestMigrationFigures(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv(FiguresVariable))
	if err != nil || n <= 0 {
		t.Skipf("set %s to the number of customers to migrate", FiguresVariable)
	}
	percent := 1
	if v := os.Getenv(FiguresChangedVariable); v != "" {
		if percent, err = strconv.Atoi(v); err != nil || percent < 0 || percent > 100 {
			t.Fatalf("%s=%q: want a percentage", FiguresChangedVariable, v)
		}
	}
	mongoDB := mongoDBEnd
	if uri := os.Getenv(FiguresMongoDBVariable); uri != "" {
		client := mongotest.Connect(t, uri)
		mongoDB = end{"MongoDB at " + FiguresMongoDBVariable, func(t *testing.T) (store, string) { return freshMongoDB(t, client, uri) }}
	}
	src, source := sqliteEnd.open(t)
	start := time.Now()
	seedGenerated(t, src, n)
	t.Logf("seeded %d customers on SQLite in %.1f s", n, time.Since(start).Seconds())

	targets := []end{sqliteEnd, mongoDB}
	dsts := make([]store, len(targets))
	for i, e := range targets {
		dsts[i], _ = e.open(t)
		r := migrate(t, src, dsts[i], source)
		mustBeEqual(t, r)
		t.Logf("SQLite -> %s, %d customers: copy %.1f s (%.0f customers/s), verify %.1f s, in all %.1f s",
			e.name, r.Customers, r.Copying.Seconds(), float64(r.Customers)/r.Copying.Seconds(), r.Verifying.Seconds(),
			(r.Copying + r.Verifying).Seconds())
	}

	if percent == 0 {
		return
	}
	changed, seen := 0, 0
	app := useCases(t, src)
	if err := src.EachStored(ctx(t), func(c application.StoredCustomer) error {
		if seen++; seen*percent%100 < percent {
			if _, err := app.UpdateCustomer.Handle(ctx(t), application.UpdateCustomerCommand{ID: c.Customer.ID(),
				Changes: domain.CustomerChanges{LastName: ptr("Byron")}}); err != nil {
				return err
			}
			changed++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for i, e := range targets {
		r := migrate(t, src, dsts[i], source)
		mustBeEqual(t, r)
		if r.Copied != int64(changed) {
			t.Errorf("the rerun into %s copied %d, want the %d changed", e.name, r.Copied, changed)
		}
		t.Logf("rerun SQLite -> %s after %d changes: copy %.1f s, verify %.1f s, in all %.1f s",
			e.name, changed, r.Copying.Seconds(), r.Verifying.Seconds(), (r.Copying + r.Verifying).Seconds())
	}
}
