package workload

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"

	"github.com/microbase-io/customer-service/test/support/servicetest"
	"github.com/microbase-io/customer-service/test/support/storetest"
)

// EmailSwaps is a storm of customers moving to emails from a pool smaller
// than their number, and back to their own, from many clients through
// every instance at once: many moves find the email taken
// (duplicate_key), others free one by moving away from it. No two customers may ever end up sharing an email,
// and every acknowledged move must be what the customer holds, unless a
// later acknowledged change of that customer replaced it.
type EmailSwaps struct {
	Customers, Pool, Clients, MovesPerClient int
	// Seed makes the sequence of moves repeatable.
	Seed uint64
}

// SwapReport is what an EmailSwaps run did and found.
type SwapReport struct {
	Customers, Pool int
	// Acknowledged moves answered ok (some of them changed nothing: the
	// customer had that email already), Refused ones duplicate_key;
	// Changes is the sum of the customers' version increments, each of
	// which must be one acknowledged move; Lost the customers or versions
	// whose email disagrees with what was acknowledged; Shared the emails
	// held by more than one customer.
	Acknowledged, Refused, Changes, Lost, Shared int
	Calls                                        Tally
}

func (r *SwapReport) String() string {
	return fmt.Sprintf("%d customers, %d pool emails: %d moves acknowledged (%d changes), %d refused as duplicate_key; %d lost, %d emails shared; calls: %s",
		r.Customers, r.Pool, r.Acknowledged, r.Changes, r.Refused, r.Lost, r.Shared, &r.Calls)
}

// Run creates the customers, runs the storm, then checks every customer
// in the store against the acknowledged moves. Call it from the test's goroutine.
func (w EmailSwaps) Run(t *testing.T, apis []servicetest.Client, store storetest.Inspector) *SwapReport {
	t.Helper()
	caller := NewCaller(t)
	defer caller.CloseIdle()
	report := &SwapReport{Customers: w.Customers, Pool: w.Pool}
	customers := createCustomers(t, caller, apis, w.Customers, func(i int) string {
		return fmt.Sprintf("customer%02d@swaps.example", i)
	})
	pool := make([]string, w.Pool)
	for i := range pool {
		pool[i] = fmt.Sprintf("pool%02d@swaps.example", i)
	}

	// Every acknowledged answer: the customer as it was at that version.
	var mu sync.Mutex
	answered := map[string][]Customer{}
	var wg sync.WaitGroup
	for p := range w.Clients {
		wg.Go(func() {
			rnd := rand.New(rand.NewPCG(w.Seed, uint64(p)))
			for n := range w.MovesPerClient {
				c := customers[rnd.IntN(len(customers))]
				// Now and then a customer goes back to its own email,
				// freeing a pool email: without that the pool fills up
				// and the storm stops changing anything.
				email := c.Email
				if k := rnd.IntN(len(pool) + 2); k < len(pool) {
					email = pool[k]
				}
				r := caller.Call(t.Context(), apis[(p+n)%len(apis)], "customer.update", map[string]any{"id": c.ID, "email": email})
				report.Calls.Add(r)
				if r.Status == http.StatusConflict && r.Code == "duplicate_key" {
					mu.Lock()
					report.Refused++
					mu.Unlock()
					continue
				}
				got, err := r.Customer()
				if err != nil {
					t.Errorf("moving customer %s to %s: %v: %s", c.ID, email, err, r.Raw)
					continue
				}
				mu.Lock()
				report.Acknowledged++
				answered[c.ID] = append(answered[c.ID], got)
				mu.Unlock()
			}
		})
	}
	wg.Wait()

	for _, c := range customers {
		stored, err := StoredCustomer(t.Context(), store, c.ID)
		if err != nil {
			t.Errorf("%v", err)
			report.Lost++
			continue
		}
		report.Changes += int(stored.Version - c.Version)
		// One email per version: two answers at one version with
		// different emails would be two writes where one was kept.
		atVersion := map[int64]string{c.Version: c.Email}
		for _, a := range answered[c.ID] {
			if seen, ok := atVersion[a.Version]; ok && seen != a.Email {
				report.Lost++
				t.Errorf("customer %s: version %d was answered with email %s and with %s", c.ID, a.Version, seen, a.Email)
			}
			atVersion[a.Version] = a.Email
		}
		// Every move got an answer, so every change was acknowledged: each
		// version up to the stored one, the stored one with its email.
		for v := c.Version + 1; v <= stored.Version; v++ {
			if _, ok := atVersion[v]; !ok {
				report.Lost++
				t.Errorf("customer %s: version %d was written but never acknowledged", c.ID, v)
			}
		}
		if email, ok := atVersion[stored.Version]; !ok || email != stored.Email {
			report.Lost++
			t.Errorf("customer %s holds %s at version %d, acknowledged as %q", c.ID, stored.Email, stored.Version, email)
		}
		for v := range atVersion {
			if v > stored.Version {
				report.Lost++
				t.Errorf("customer %s: version %d was acknowledged, the database holds version %d", c.ID, v, stored.Version)
			}
		}
	}

	// Uniqueness over the whole store, not only these customers.
	stored, err := store.Customers(t.Context())
	if err != nil {
		t.Fatalf("listing customers: %v", err)
	}
	holders := map[string][]string{}
	for _, c := range stored {
		if !c.Removed {
			holders[c.Email] = append(holders[c.Email], c.ID)
		}
	}
	for email, ids := range holders {
		if len(ids) > 1 {
			report.Shared++
			t.Errorf("email %s is held by %d customers: %v", email, len(ids), ids)
		}
	}
	return report
}
