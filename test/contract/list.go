package contract

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// list is every customer List hands on for q.
func list(t *testing.T, repo Store, q application.ListQuery) []*domain.Customer {
	t.Helper()
	var out []*domain.Customer
	if err := repo.List(ctx(t), q, func(c *domain.Customer) error {
		out = append(out, c)
		return nil
	}); err != nil {
		t.Fatalf("List(%+v): %v", q, err)
	}
	return out
}

func idsOf(cs []*domain.Customer) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.ID())
	}
	return out
}

func after(c *domain.Customer) *application.ListPosition {
	return &application.ListPosition{CreatedAt: c.Snapshot().CreatedAt, ID: c.ID()}
}

// createdAt makes a customer created at a given time, so that several can
// share one (the list order then goes by id).
func createdAt(t *testing.T, repo Store, email string, at time.Time, tags ...string) *domain.Customer {
	t.Helper()
	c, err := domain.NewCustomer(domain.NewCustomerInput{
		Email: email, Password: "correct horse", FirstName: "Ada", LastName: "Lovelace", Tags: tags,
	}, bcrypt.MinCost, at)
	if err != nil {
		t.Fatal(err)
	}
	if err := create(repo, ctx(t), c, event(application.EventCreated)); err != nil {
		t.Fatal(err)
	}
	return c
}

func listAfterAPositionStartsRightAfterIt(t *testing.T, repo Store) {
	// Three customers share a creation time: the position tells them
	// apart by id.
	same := now()
	var all []*domain.Customer
	for i := range 3 {
		all = append(all, createdAt(t, repo, fmt.Sprintf("same%d@example.com", i), same, "VIP"))
	}
	all = append(all, mustCreate(t, repo, "later@example.com", "VIP"))
	slices.SortStableFunc(all[:3], func(a, b *domain.Customer) int {
		if a.ID() < b.ID() {
			return -1
		}
		return 1
	})
	want := idsOf(all)
	filters := []application.ListQuery{
		{},
		{Tags: []string{"VIP"}},
		{Tags: []string{"VIP", "GOLD"}},
		{Statuses: []domain.Status{domain.StatusActive}},
	}
	for _, f := range filters {
		for i, c := range all {
			q := f
			q.Limit, q.After = 10, after(c)
			if got := idsOf(list(t, repo, q)); !slices.Equal(got, want[i+1:]) {
				t.Errorf("List(%+v) after customer %d = %v, want %v", f, i, got, want[i+1:])
			}
		}
	}
}

func walkingByPositionMeetsEveryLastingCustomerOnce(t *testing.T, repo Store) {
	var lasting []string
	var passing []*domain.Customer
	for i := range 12 {
		lasting = append(lasting, mustCreate(t, repo, fmt.Sprintf("c%02d@example.com", i)).ID())
		passing = append(passing, mustCreate(t, repo, fmt.Sprintf("p%02d@example.com", i)))
	}
	var met []string
	q := application.ListQuery{Limit: 5}
	for page := 0; ; page++ {
		got := list(t, repo, q)
		for _, c := range got {
			if !slices.Contains(idsOf(passing), c.ID()) {
				met = append(met, c.ID())
			}
		}
		if len(got) < q.Limit {
			break
		}
		q.After = after(got[len(got)-1])
		// Between pages, customers come and go.
		if page < len(passing) {
			if err := remove(repo, ctx(t), passing[page].ID(), event(application.EventRemoved)); err != nil {
				t.Fatal(err)
			}
		}
		passing = append(passing, mustCreate(t, repo, fmt.Sprintf("new%02d@example.com", page)))
	}
	if !slices.Equal(met, lasting) {
		t.Fatalf("the walk met %v\nwant each lasting customer once, in order: %v", met, lasting)
	}
}

func listWithoutAddressesLeavesThemOut(t *testing.T, repo Store) {
	c := mustCreate(t, repo, "ada@example.com", "VIP")
	got := list(t, repo, application.ListQuery{Limit: 10, WithoutAddresses: true})
	if len(got) != 1 {
		t.Fatalf("List = %v, want ada", idsOf(got))
	}
	want := c.Snapshot()
	want.Addresses, want.PasswordHash = nil, ""
	s := got[0].Snapshot()
	s.PasswordHash = ""
	if len(s.Addresses) != 0 || s.ID != want.ID || s.Email != want.Email || !slices.Equal(s.Tags, want.Tags) || s.Version != want.Version {
		t.Fatalf("List without addresses = %+v, want %+v", s, want)
	}
	if full := list(t, repo, application.ListQuery{Limit: 10}); len(full[0].Addresses()) != 1 {
		t.Fatalf("List with addresses has %d, want 1", len(full[0].Addresses()))
	}
}

func listStopsAtTheFirstErrorOfItsConsumer(t *testing.T, repo Store) {
	for i := range 5 {
		mustCreate(t, repo, fmt.Sprintf("c%d@example.com", i))
	}
	stop := errors.New("no room")
	calls := 0
	err := repo.List(ctx(t), application.ListQuery{Limit: 10}, func(*domain.Customer) error {
		calls++
		if calls == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 2 {
		t.Fatalf("List = %v after %d customers, want the consumer's error after 2", err, calls)
	}
}
