package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/fx"

	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
	"github.com/microbase-io/customer-service/test/support/mongotest"
	"github.com/microbase-io/customer-service/test/support/servicetest"
	"github.com/microbase-io/customer-service/test/support/workload"
)

// stores are the stores the retry contract is held to: the embedded one
// and MongoDB (the stand-in, whose writes to one customer queue behind
// each other far longer: 48 at once need more than half a second).
var stores = []struct {
	name string
	env  func(t *testing.T) []string
}{
	{"EmbeddedStore", func(*testing.T) []string { return []string{"CUSTOMER_REQUEST_TIMEOUT=500ms"} }},
	{"MongoDB", func(t *testing.T) []string {
		return []string{"CUSTOMER_MONGODB_URI=" + mongotest.ServerFor(t), "CUSTOMER_REQUEST_TIMEOUT=5s"}
	}},
}

// losing is a store whose writes happen and whose answer is then lost, as
// when the database answers after the request's deadline: the write waits
// out the deadline and reports the store unavailable, for the writes lose
// picks.
type losing struct {
	application.CustomerRepository
	lose func() bool
}

func (l losing) lost(ctx context.Context, err error) error {
	if err != nil || !l.lose() {
		return err
	}
	<-ctx.Done()
	return fmt.Errorf("%w: the answer came after the deadline", application.ErrUnavailable)
}

func (l losing) Create(ctx context.Context, c *domain.Customer, ev application.NewEvent, k application.IdempotencyKey) (*domain.Customer, error) {
	c, err := l.CustomerRepository.Create(ctx, c, ev, k)
	return c, l.lost(ctx, err)
}

func (l losing) Update(ctx context.Context, id string, k application.IdempotencyKey, change func(*domain.Customer) (application.NewEvent, error)) (*domain.Customer, error) {
	c, err := l.CustomerRepository.Update(ctx, id, k, change)
	return c, l.lost(ctx, err)
}

func (l losing) Patch(ctx context.Context, id string, p domain.CustomerPatch, v *int64, now time.Time, ev application.NewEvent, k application.IdempotencyKey) (*domain.Customer, error) {
	c, err := l.CustomerRepository.Patch(ctx, id, p, v, now, ev, k)
	return c, l.lost(ctx, err)
}

func startLosing(t *testing.T, lose func() bool, env ...string) *servicetest.Service {
	return servicetest.StartWith(t, []fx.Option{fx.Decorate(func(r application.CustomerRepository) application.CustomerRepository {
		return losing{CustomerRepository: r, lose: lose}
	})}, env...)
}

// keyedCall posts args to method with an Idempotency-Key.
func keyedCall(t *testing.T, svc *servicetest.Service, method, key string, args map[string]any) servicetest.Answer {
	t.Helper()
	body, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, svc.URL+method, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+svc.Token)
	req.Header.Set(httpapi.IdempotencyKeyHeader, key)
	return servicetest.Do(t, req)
}

var homeAddress = map[string]any{"name": "Home", "firstName": "Ada", "address_1": "1 Main Street",
	"postCode": "61701", "city": "Bloomington", "state": "Illinois", "country": "US"}

// A write whose answer was lost (it happened, and the client heard 503)
// sent again with its key gets the answer the write would have given, and
// the store holds it once.
func TestAWriteWhoseAnswerWasLostSentAgainWithItsKeyAnswersItAndWritesOnce(t *testing.T) {
	for _, store := range stores {
		t.Run(store.name, func(t *testing.T) {
			t.Parallel() // each on a service and a store of its own
			var losses atomic.Int32
			svc := startLosing(t, func() bool { return losses.Add(1) == 1 }, store.env(t)...)
			created := keyedCall(t, svc, "customer.create", "create-ada", map[string]any{
				"email": "ada@example.com", "password": "s3cret-pass", "firstName": "Ada", "lastName": "Lovelace"})
			created.Error(t, http.StatusServiceUnavailable, "database_unavailable")
			again := keyedCall(t, svc, "customer.create", "create-ada", map[string]any{
				"email": "ada@example.com", "password": "s3cret-pass", "firstName": "Ada", "lastName": "Lovelace"})
			id := again.Customer(t)["id"].(string)

			losses.Store(0)
			args := map[string]any{"customerId": id, "addresses": []any{homeAddress}}
			keyedCall(t, svc, "customer.address.create", "add-home", args).Error(t, http.StatusServiceUnavailable, "database_unavailable")
			first := keyedCall(t, svc, "customer.address.create", "add-home", args)
			first.Customer(t)
			third := keyedCall(t, svc, "customer.address.create", "add-home", args)
			if string(third.Raw) != string(first.Raw) {
				t.Fatalf("a third copy answered %s, want %s", third.Raw, first.Raw)
			}

			stored, err := svc.Store.Customers(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			info := svc.Call(t, "customer.info", map[string]any{"id": id}).Customer(t)
			if len(stored) != 1 || stored[0].Version != 1 || len(info["addresses"].([]any)) != 1 {
				t.Fatalf("stored %+v, answered %v: want one customer, one address, version 1", stored, info)
			}
			t.Logf("create and address creation: each answer lost once, each sent again with its key: %d customer, version %d, %d address",
				len(stored), stored[0].Version, len(info["addresses"].([]any)))
		})
	}
}

// 48 clients each add an address to one customer, with a key of their
// own, and send it again until they get an answer, while a third of the
// answers are lost after the write: the customer ends with exactly 48
// addresses.
func TestConcurrentKeyedAddressCreationsSentAgainUntilAnsweredLandOnceEach(t *testing.T) {
	for _, store := range stores {
		t.Run(store.name, func(t *testing.T) {
			t.Parallel() // each on a service and a store of its own
			var n atomic.Int32
			svc := startLosing(t, func() bool { return n.Add(1)%3 == 0 }, store.env(t)...)
			id := svc.Call(t, "customer.create", map[string]any{
				"email": "ada@example.com", "password": "s3cret-pass", "firstName": "Ada", "lastName": "Lovelace",
			}).Customer(t)["id"]
			caller := workload.NewUncheckedCaller()
			defer caller.CloseIdle()
			var (
				wg    sync.WaitGroup
				tally workload.Tally
				mu    sync.Mutex
			)
			for i := range 48 {
				wg.Go(func() {
					address := map[string]any{}
					for k, v := range homeAddress {
						address[k] = v
					}
					address["name"] = fmt.Sprintf("Address %02d", i)
					args := map[string]any{"customerId": id, "addresses": []any{address}}
					header := http.Header{httpapi.IdempotencyKeyHeader: {fmt.Sprintf("client-%02d", i)}}
					for giveUp := time.Now().Add(4 * time.Minute); ; {
						r := caller.CallWithHeader(t.Context(), svc.Client, "customer.address.create", args, header)
						mu.Lock()
						tally.Add(r)
						mu.Unlock()
						if r.OK() {
							return
						}
						if r.Status != http.StatusServiceUnavailable && r.Code != "idempotency_key_in_use" || time.Now().After(giveUp) {
							t.Errorf("client %d: %d %s; want an answer, or a 503 or 409 to send again", i, r.Status, r.Raw)
							return
						}
					}
				})
			}
			wg.Wait()
			got := svc.Call(t, "customer.info", map[string]any{"id": id}).Customer(t)
			names := map[string]int{}
			for _, a := range got["addresses"].([]any) {
				names[a.(map[string]any)["name"].(string)]++
			}
			t.Logf("48 keyed address creations sent again until answered: %d addresses; calls: %s", len(names), &tally)
			if len(got["addresses"].([]any)) != 48 || len(names) != 48 {
				t.Fatalf("%d addresses (%d distinct), want exactly 48", len(got["addresses"].([]any)), len(names))
			}
		})
	}
}

// The same key with other arguments is 422; a copy while the first runs
// is 409; neither writes.
func TestReusedAndInUseKeysAreRefused(t *testing.T) {
	for _, store := range stores {
		t.Run(store.name, func(t *testing.T) {
			t.Parallel() // each on a service and a store of its own
			block, entered := make(chan struct{}), make(chan struct{}, 1)
			var blocking atomic.Bool
			// The first call is held in the store for as long as the copy
			// takes, which no request deadline of the store's should cut.
			env := append(store.env(t), "CUSTOMER_REQUEST_TIMEOUT=1m")
			svc := servicetest.StartWith(t, []fx.Option{fx.Decorate(func(r application.CustomerRepository) application.CustomerRepository {
				return slowUpdates{CustomerRepository: r, block: block, entered: entered, blocking: &blocking}
			})}, env...)
			id := svc.Call(t, "customer.create", map[string]any{
				"email": "ada@example.com", "password": "s3cret-pass", "firstName": "Ada", "lastName": "Lovelace",
			}).Customer(t)["id"]
			keyedCall(t, svc, "customer.update", "k", map[string]any{"id": id, "lastName": "King"}).Customer(t)
			keyedCall(t, svc, "customer.update", "k", map[string]any{"id": id, "lastName": "Byron"}).
				Error(t, http.StatusUnprocessableEntity, "idempotency_key_reused")

			blocking.Store(true)
			args := map[string]any{"customerId": id, "addresses": []any{homeAddress}}
			done := make(chan servicetest.Answer)
			go func() { done <- keyedCall(t, svc, "customer.address.create", "slow", args) }()
			select {
			case <-entered: // the first is in the store, its key taken
			case <-time.After(30 * time.Second):
				t.Fatal("the first call never reached the store")
			}
			keyedCall(t, svc, "customer.address.create", "slow", args).Error(t, http.StatusConflict, "idempotency_key_in_use")
			close(block)
			(<-done).Customer(t)
			if c := svc.Call(t, "customer.info", map[string]any{"id": id}).Customer(t); c["lastName"] != "King" || len(c["addresses"].([]any)) != 1 {
				t.Fatalf("customer %v, want King with one address", c)
			}
		})
	}
}

// slowUpdates holds address writes until block closes, while blocking,
// and says on entered when one is held.
type slowUpdates struct {
	application.CustomerRepository
	block, entered chan struct{}
	blocking       *atomic.Bool
}

func (s slowUpdates) Update(ctx context.Context, id string, k application.IdempotencyKey, change func(*domain.Customer) (application.NewEvent, error)) (*domain.Customer, error) {
	if s.blocking.Load() {
		select {
		case s.entered <- struct{}{}:
		default:
		}
		select {
		case <-s.block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return s.CustomerRepository.Update(ctx, id, k, change)
}
