package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/test/support/servicetest"
)

// While another process holds the store's write lock, writes run into
// their request deadline: each answers 503 database_unavailable, and none
// of them is applied once the lock is free. A client told "not done" may
// retry without writing twice.
func TestWritesAnswered503AreNeverAppliedLater(t *testing.T) {
	svc := servicetest.Start(t, "CUSTOMER_REQUEST_TIMEOUT=300ms")
	id := svc.Call(t, "customer.create", map[string]any{
		"email": "ada@example.com", "password": "s3cret-pass", "firstName": "Ada", "lastName": "Lovelace",
	}).Customer(t)["id"]
	before := databaseState(t, svc)

	other, err := sql.Open("sqlite", "file:"+filepath.Join(svc.Config.DataDir, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if _, err := lock.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	writes := []struct {
		method string
		args   map[string]any
	}{
		{"customer.update", map[string]any{"id": id, "lastName": "King"}},
		{"customer.create", map[string]any{"email": "grace@example.com", "password": "s3cret-pass", "firstName": "Grace", "lastName": "Hopper"}},
		{"customer.address.create", map[string]any{"customerId": id, "addresses": []any{map[string]any{
			"name": "Home", "firstName": "Ada", "address_1": "1 Main Street", "postCode": "61701",
			"city": "Bloomington", "state": "Illinois", "country": "US"}}}},
		{"customer.remove", map[string]any{"id": id}},
	}
	var wg sync.WaitGroup
	for i := range 8 {
		w := writes[i%len(writes)]
		wg.Go(func() {
			a := svc.Call(t, w.method, w.args)
			if a.Status != http.StatusServiceUnavailable || a.Body["error"] != "database_unavailable" {
				t.Errorf("%s while the store was locked answered %d %s, want 503 database_unavailable", w.method, a.Status, a.Raw)
			}
		})
	}
	wg.Wait()
	if _, err := lock.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // a write still queued would land now
	if after := databaseState(t, svc); after != before {
		t.Fatalf("a write answered 503 was applied:\n%s", firstDifference(before, after))
	}
	c := svc.Call(t, "customer.info", map[string]any{"id": id}).Customer(t)
	if c["lastName"] != "Lovelace" || fmt.Sprint(c["version"]) != "0" {
		t.Fatalf("customer after the 503s: %v", c)
	}
}
