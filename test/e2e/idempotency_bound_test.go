package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
	"github.com/microbase-io/customer-service/test/support/largecustomer"
	"github.com/microbase-io/customer-service/test/support/servicetest"
	"github.com/microbase-io/customer-service/test/support/storetest"
)

// The figure in the README comes from this test with
// -args -keyed-updates=500 -keyed-max-bytes=67108864 (the default limit).
var (
	keyedUpdates  = flag.Int("keyed-updates", 60, "keyed (and as many unkeyed) updates of the largest customer")
	keyedMaxBytes = flag.Int64("keyed-max-bytes", 4<<20, "CUSTOMER_IDEMPOTENCY_MAX_BYTES of the service")
)

// directorySize is what the files in dir take.
func directorySize(t *testing.T, dir string) int64 {
	t.Helper()
	// The checkpointer empties a large WAL once writes pause, at a moment
	// of its own: measured after a checkpoint, the WAL holds nothing and
	// the database file what the store keeps.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := storetest.CheckpointSQLite(ctx, dir); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		n += info.Size()
	}
	return n
}

// update sends a customer.update of id's lastName, with key unless "".
func update(t *testing.T, api servicetest.Client, id, lastName, key string) servicetest.Answer {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"id": id, "lastName": lastName})
	req, err := http.NewRequest(http.MethodPost, api.URL+"customer.update", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+api.Token)
	if key != "" {
		req.Header.Set(httpapi.IdempotencyKeyHeader, key)
	}
	return servicetest.Do(t, req)
}

// A keyed write keeps its answer, a copy of the customer, for 24 h: what
// those copies take is bounded, so keyed updates of a 500 KB customer
// cannot fill the disk. Through the built binary: N updates of the
// largest customer, then N keyed ones;
// the keyed ones grow the data directory by at most the limit more than
// the unkeyed ones did, and once the subject's records reach the limit
// its keyed writes answer 503 service_busy with a Retry-After within the
// window, while writes without a key go on.
func TestIdempotencyRecordsOfALargeCustomerStayWithinTheLimitThenAnswerServiceBusy(t *testing.T) {
	bin := servicetest.BuildBinary(t)
	for _, text := range []largecustomer.Text{largecustomer.Random, largecustomer.Repeated} {
		t.Run(text.String(), func(t *testing.T) {
			dir := t.TempDir()
			svc := servicetest.StartProcess(t, bin, servicetest.Settings(dir,
				"CUSTOMER_IDEMPOTENCY_MAX_BYTES="+strconv.FormatInt(*keyedMaxBytes, 10))...)
			api := svc.Client(t)
			m := largecustomer.New(text, 1)
			var addresses []any
			for _, a := range m.Addresses() {
				addresses = append(addresses, largecustomer.Arguments(a))
			}
			id := api.Call(t, "customer.create", map[string]any{
				"email": "large@example.com", "password": "s3cret-pass", "firstName": m.Field(domain.MaxNameLength),
				"lastName": m.Field(domain.MaxNameLength), "tags": m.Tags(), "addresses": addresses,
			}).Customer(t)["id"].(string)
			info := api.Call(t, "customer.info", map[string]any{"id": id})
			n := *keyedUpdates

			start := directorySize(t, filepath.Join(dir))
			for i := range n {
				update(t, api, id, fmt.Sprintf("Unkeyed-%04d", i), "").Customer(t)
			}
			afterUnkeyed := directorySize(t, dir)
			landed, refused := 0, 0
			begun := time.Now()
			for i := range n {
				got := update(t, api, id, fmt.Sprintf("Keyed-%04d", i), fmt.Sprintf("update-%04d", i))
				if got.Status == http.StatusOK {
					if refused > 0 {
						t.Fatalf("keyed update %d landed after %d were refused: nothing left the window", i, refused)
					}
					landed++
					continue
				}
				got.Error(t, http.StatusServiceUnavailable, "service_busy")
				wait, err := strconv.Atoi(got.Header.Get("Retry-After"))
				if err != nil || wait < 1 || time.Duration(wait)*time.Second > application.IdempotencyWindow+10*time.Minute {
					t.Fatalf("Retry-After %q, want the seconds until the first records leave the 24 h", got.Header.Get("Retry-After"))
				}
				refused++
			}
			elapsed := time.Since(begun)
			update(t, api, id, "Unkeyed-after", "").Customer(t)
			afterKeyed := directorySize(t, dir)
			unkeyedGrowth, keyedGrowth := afterUnkeyed-start, afterKeyed-afterUnkeyed
			t.Logf("%s, a customer of %d bytes as answered, CUSTOMER_IDEMPOTENCY_MAX_BYTES %d: "+
				"%d unkeyed updates grew the data directory by %.1f MiB; %d keyed ones by %.1f MiB (%d landed, %d answered 503 service_busy) in %.1f s",
				text, len(info.Raw), *keyedMaxBytes, n, mib(unkeyedGrowth), n, mib(keyedGrowth), landed, refused, elapsed.Seconds())
			// The store's pages and its write-ahead log move with any
			// write; the records are what the limit bounds.
			if slack := int64(2 << 20); keyedGrowth > unkeyedGrowth+*keyedMaxBytes+slack {
				t.Fatalf("keyed updates grew the data directory by %d bytes, unkeyed ones by %d: more than the limit of %d apart",
					keyedGrowth, unkeyedGrowth, *keyedMaxBytes)
			}
			// A record of this customer in random characters is about
			// 380 KB compressed: these must reach the limit.
			if text == largecustomer.Random && int64(n)*400_000 > *keyedMaxBytes && refused == 0 {
				t.Fatalf("%d keyed updates of %d-byte records all landed within a limit of %d bytes", n, 380_000, *keyedMaxBytes)
			}
		})
	}
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }
