package sqlite

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// A list page must cost what its rows cost, however many customers there
// are: SQLite's plan for every filter walks an index range already in
// list order (no whole-table scan, no sort of every match). Filters by id
// or email find their few rows by index and sort only those.
func TestListPlansWalkAnIndexInListOrder(t *testing.T) {
	s, err := Open(context.Background(), planOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	active, inactive := domain.StatusActive, domain.StatusInactive
	tests := []struct {
		name     string
		q        application.ListQuery
		mayMerge bool // a sort of the few rows found by id or email
	}{
		{"no filter", application.ListQuery{}, false},
		{"one tag", application.ListQuery{Tags: []string{"VIP"}}, false},
		{"several tags", application.ListQuery{Tags: []string{"VIP", "GOLD"}}, false},
		{"one status", application.ListQuery{Statuses: []domain.Status{inactive}}, false},
		{"both statuses", application.ListQuery{Statuses: []domain.Status{active, inactive}}, false},
		{"a status and a tag", application.ListQuery{Statuses: []domain.Status{active}, Tags: []string{"VIP"}}, false},
		{"a status and tags", application.ListQuery{Statuses: []domain.Status{active}, Tags: []string{"VIP", "GOLD"}}, false},
		{"emails", application.ListQuery{Emails: []string{"a@example.com", "b@example.com"}}, true},
		{"an email and a tag", application.ListQuery{Emails: []string{"a@example.com"}, Tags: []string{"VIP"}}, true},
		{"ids", application.ListQuery{IDs: []string{"HkhhuXESl", "HkhhuXES3"}}, true},
		{"ids and a status", application.ListQuery{IDs: []string{"HkhhuXESl"}, Statuses: []domain.Status{active}}, true},
	}
	for _, tt := range tests {
		for _, after := range []*application.ListPosition{nil, {CreatedAt: time.UnixMilli(1_800_000_000_000), ID: "HkhhuXESl"}} {
			name := tt.name
			q := tt.q
			q.Limit = 10
			if after == nil {
				q.Skip = 20
			} else {
				name, q.After = name+" after a position", after
			}
			t.Run(name, func(t *testing.T) {
				query, args := listQuery(q)
				checkPlan(t, explain(t, s, query, args...), after != nil, tt.mayMerge)
			})
		}
	}
}

// checkPlan holds a list's plan to walking an index in list order; one
// that starts after a position must seek to it, not walk up to it.
func checkPlan(t *testing.T, plan []string, seeks, mayMerge bool) {
	t.Helper()
	for _, step := range plan {
		if strings.HasPrefix(step, "SCAN") && !strings.Contains(step, "USING INDEX customers_by_creation") {
			t.Errorf("plan scans a table: %q in %q", step, plan)
		}
		if seeks && strings.HasPrefix(step, "SCAN") {
			t.Errorf("plan walks to the position instead of seeking it: %q in %q", step, plan)
		}
		if strings.Contains(step, "TEMP B-TREE") && !mayMerge {
			t.Errorf("plan sorts every match: %q in %q", step, plan)
		}
	}
}

// planOptions open a store without a broker (writes record no event),
// for tests inside the package, which cannot take the production
// defaults of test/support; what the limits are does not change a plan.
func planOptions(t *testing.T) Options {
	return Options{DataDir: t.TempDir(), Outbox: application.OutboxLimits{Off: true},
		Idempotency: application.IdempotencyLimits{MaxBytesPerSubject: 1 << 20}}
}

// Reads and writes of one customer find it by an index.
func TestLookupsUseAnIndex(t *testing.T) {
	s, err := Open(context.Background(), planOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, query := range []string{
		selectCustomer, selectByEmail, selectAnyState, selectEvents, anyEventLeft, deleteTombstone, removeCustomer, updateCustomer,
	} {
		args := make([]any, strings.Count(query, "?"))
		for i := range args {
			args[i] = "x"
		}
		for _, step := range explain(t, s, query, args...) {
			if strings.HasPrefix(step, "SCAN") && step != "SCAN CONSTANT ROW" {
				t.Errorf("%s: plan step %q", query, step)
			}
		}
	}
}

func explain(t *testing.T, s *Store, query string, args ...any) []string {
	t.Helper()
	rows, err := s.read.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return plan
}
