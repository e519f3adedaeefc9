package workload

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/microbase-io/customer-service/test/support/servicetest"
	"github.com/microbase-io/customer-service/test/support/storetest"
)

// DisjointUpdates is many clients updating the same few customers, each
// client a field of one customer that no other client writes, every
// update a real change, the calls of each client alternating between the
// instances. If the service or its database lost a concurrent update, a
// field would end up with a value older than the last one acknowledged,
// or a customer's version would count fewer changes than were
// acknowledged.
type DisjointUpdates struct {
	Customers        int // at most 10: five fields each, 50 pairs
	Clients          int // at most 5 × Customers
	UpdatesPerClient int
}

// DisjointReport is what a DisjointUpdates run did and found.
type DisjointReport struct {
	Customers, Clients int
	// Acknowledged is how many updates answered ok; Checked how many
	// (customer, field) pairs and versions were compared with them, in
	// the database and through the API; Lost how many did not match.
	Acknowledged, Checked, Lost int
	Calls                       Tally
}

func (r *DisjointReport) String() string {
	return fmt.Sprintf("%d clients on %d customers: %d updates acknowledged; %d fields and versions checked, %d lost; calls: %s",
		r.Clients, r.Customers, r.Acknowledged, r.Checked, r.Lost, &r.Calls)
}

// updatableFields are the fields customer.update takes, one per client.
var updatableFields = []string{"email", "firstName", "lastName", "status", "tags"}

// pairOf gives client p its own (customer, field): the clients of one
// customer get consecutive fields, so every field is written.
func (w DisjointUpdates) pairOf(p int) (customer int, field string) {
	customer = p % w.Customers
	return customer, updatableFields[(p/w.Customers+customer)%len(updatableFields)]
}

// valueOf is update n of client p: never a value the field had before.
func valueOf(field string, p, n int) any {
	switch field {
	case "email":
		return fmt.Sprintf("client%02d.update%03d@disjoint.example", p, n)
	case "firstName":
		return fmt.Sprintf("First %02d-%03d", p, n)
	case "lastName":
		return fmt.Sprintf("Last %02d-%03d", p, n)
	case "status":
		// Customers start ACTIVE; alternating makes every update a change.
		return []string{"INACTIVE", "ACTIVE"}[n%2]
	default:
		return []string{fmt.Sprintf("c%02d-u%03d", p, n)}
	}
}

func fieldOf(c Customer, field string) any {
	switch field {
	case "email":
		return c.Email
	case "firstName":
		return c.FirstName
	case "lastName":
		return c.LastName
	case "status":
		return c.Status
	default:
		return c.Tags
	}
}

func sameValue(a, b any) bool {
	if as, ok := a.([]string); ok {
		bs, ok := b.([]string)
		return ok && slices.Equal(as, bs)
	}
	return a == b
}

// Run creates the customers, runs the clients, then compares every
// customer, read from the store and through the API, with what was acknowledged.
// Every update must be acknowledged: there is no fault to excuse one
// that is not. Call it from the test's goroutine.
func (w DisjointUpdates) Run(t *testing.T, apis []servicetest.Client, store storetest.Inspector) *DisjointReport {
	t.Helper()
	if w.Customers > 10 || w.Clients > len(updatableFields)*w.Customers {
		t.Fatalf("DisjointUpdates: %d clients cannot each have a field of their own among %d customers", w.Clients, w.Customers)
	}
	caller := NewCaller(t)
	defer caller.CloseIdle()
	report := &DisjointReport{Customers: w.Customers, Clients: w.Clients}
	customers := createCustomers(t, caller, apis, w.Customers, func(i int) string {
		return fmt.Sprintf("customer%02d@disjoint.example", i)
	})

	// Written by client p only; read after Wait.
	lastAcked := make([]any, w.Clients)
	acked := make([]int, w.Clients)
	var wg sync.WaitGroup
	for p := range w.Clients {
		wg.Go(func() {
			c, field := w.pairOf(p)
			id := customers[c].ID
			for n := range w.UpdatesPerClient {
				value := valueOf(field, p, n)
				r := caller.Call(t.Context(), apis[(p+n)%len(apis)], "customer.update", map[string]any{"id": id, field: value})
				report.Calls.Add(r)
				got, err := r.Customer()
				if err != nil {
					t.Errorf("client %d, update %d of %s of customer %s: %v: %s", p, n, field, id, err, r.Raw)
					continue
				}
				if !sameValue(fieldOf(got, field), value) {
					t.Errorf("client %d, update %d: answered %s %v, sent %v", p, n, field, fieldOf(got, field), value)
				}
				lastAcked[p], acked[p] = value, acked[p]+1
			}
		})
	}
	wg.Wait()

	// What each customer must look like: its initial values, each field
	// replaced by the last value acknowledged to that field's client, and
	// one version per acknowledged change.
	want := make([]map[string]any, w.Customers)
	versions := make([]int64, w.Customers)
	for i, c := range customers {
		want[i] = map[string]any{}
		for _, f := range updatableFields {
			want[i][f] = fieldOf(c, f)
		}
		versions[i] = c.Version
	}
	for p := range w.Clients {
		c, field := w.pairOf(p)
		report.Acknowledged += acked[p]
		versions[c] += int64(acked[p])
		if acked[p] > 0 {
			want[c][field] = lastAcked[p]
		}
	}
	for i, c := range customers {
		stored, err := StoredCustomer(t.Context(), store, c.ID)
		if err != nil {
			t.Errorf("%v", err)
			report.Lost++
			continue
		}
		r := caller.Call(t.Context(), apis[i%len(apis)], "customer.info", map[string]any{"id": c.ID})
		served, err := r.Customer()
		if err != nil {
			t.Errorf("customer.info %s: %v: %s", c.ID, err, r.Raw)
		}
		for _, seen := range []struct {
			where string
			c     Customer
		}{{"in the database", stored}, {"through the API", served}} {
			for _, f := range updatableFields {
				report.Checked++
				if got := fieldOf(seen.c, f); !sameValue(got, want[i][f]) {
					report.Lost++
					t.Errorf("customer %s %s: %s is %v, but %v was the last value acknowledged", c.ID, seen.where, f, got, want[i][f])
				}
			}
			report.Checked++
			if seen.c.Version != versions[i] {
				report.Lost++
				t.Errorf("customer %s %s: version %d, but %d changes were acknowledged since version %d",
					c.ID, seen.where, seen.c.Version, versions[i]-c.Version, c.Version)
			}
		}
	}
	return report
}
