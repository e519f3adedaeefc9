package servicetest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/embedded"
)

// Database starts an embedded store that outlives the services of the
// test and returns its URI: services started with
// CUSTOMER_MONGODB_URI=<it> share one database, as a deployment's
// instances do, and a service started again finds its data. It stops when
// the test ends, after them.
func Database(t testing.TB) string {
	t.Helper()
	store, err := embedded.Start(embedded.Options{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("embedded store: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := store.Stop(ctx); err != nil {
			t.Errorf("stop the embedded store: %v", err)
		}
	})
	return store.URI()
}
