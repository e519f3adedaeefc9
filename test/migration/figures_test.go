package migration_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
	"github.com/microbase-io/customer-service/test/support/mongotest"
)

// FiguresVariable sets how many customers TestMigrationFigures moves; it
// runs only when set:
//
//	make test-standin
//	CUSTOMER_TEST_MONGOSERVER=$PWD/bin/mongoserver CUSTOMER_MIGRATION_FIGURES=100000 \
//	    go test -count=1 -timeout 3h -v -run TestMigrationFigures ./test/migration/
//
// FiguresToVariable picks the targets (default "sqlite mongodb");
// FiguresMongoDBVariable names another MongoDB server than the stand-in
// on SQLite the package starts (the stand-in on PostgreSQL, a real
// MongoDB); FiguresChangedVariable is the percentage of customers changed
// before each rerun (default 1; 0 skips the reruns).
const (
	FiguresVariable        = "CUSTOMER_MIGRATION_FIGURES"
	FiguresToVariable      = "CUSTOMER_MIGRATION_FIGURES_TO"
	FiguresMongoDBVariable = "CUSTOMER_MIGRATION_FIGURES_MONGODB"
	FiguresChangedVariable = "CUSTOMER_MIGRATION_FIGURES_CHANGED"
)

// TestMigrationFigures measures, for each target, a migration of n
// customers from SQLite, then a rerun after some of them changed on the
// source. It reports figures and asserts only that every run ends with
// the stores equal, and that a rerun copies the customers changed.
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
	targets := map[string]end{"sqlite": sqliteEnd, "mongodb": mongoDB}
	to := strings.Fields(os.Getenv(FiguresToVariable))
	if len(to) == 0 {
		to = []string{"sqlite", "mongodb"}
	}

	src, source := sqliteEnd.open(t)
	start := time.Now()
	seedGenerated(t, src, n)
	t.Logf("seeded %d customers on SQLite in %.1f s", n, time.Since(start).Seconds())
	for _, name := range to {
		e, ok := targets[name]
		if !ok {
			t.Fatalf("%s: no target %q (sqlite, mongodb)", FiguresToVariable, name)
		}
		dst, _ := e.open(t)
		r := migrate(t, src, dst, source)
		mustBeEqual(t, r)
		t.Logf("SQLite -> %s, %d customers: copy %.1f s (%.0f customers/s), verify %.1f s, in all %.1f s",
			e.name, r.Customers, r.Copying.Seconds(), float64(r.Customers)/r.Copying.Seconds(), r.Verifying.Seconds(),
			(r.Copying + r.Verifying).Seconds())
		if percent == 0 {
			continue
		}
		changed := changeShare(t, src, percent)
		r = migrate(t, src, dst, source)
		mustBeEqual(t, r)
		if r.Copied != int64(changed) {
			t.Errorf("the rerun into %s copied %d, want the %d changed", e.name, r.Copied, changed)
		}
		t.Logf("rerun SQLite -> %s after %d changes: copy %.1f s, verify %.1f s, in all %.1f s",
			e.name, changed, r.Copying.Seconds(), r.Verifying.Seconds(), (r.Copying + r.Verifying).Seconds())
	}
}

// changeShare changes the last name of percent% of the source's
// customers, spread over them, through the use cases.
func changeShare(t *testing.T, src store, percent int) int {
	t.Helper()
	changed, seen := 0, 0
	app := useCases(t, src)
	if err := src.EachStored(ctx(t), func(c application.StoredCustomer) error {
		if seen++; seen*percent%100 < percent {
			if _, err := app.UpdateCustomer.Handle(ctx(t), application.UpdateCustomerCommand{ID: c.Customer.ID(),
				Changes: domain.CustomerChanges{LastName: new(fmt.Sprintf("Byron %d", time.Now().UnixNano()))}}); err != nil {
				return err
			}
			changed++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return changed
}
