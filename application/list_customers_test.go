package application_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
	"github.com/microbase-io/customer-service/test/support/sqlitetest"
)

// seedMany creates n customers c00@example.com, c01@..., in that order;
// every third one is INACTIVE and every other one tagged VIP.
func seedMany(t *testing.T, n int) (*sqlite.Store, []string) {
	t.Helper()
	repo := sqlitetest.Open(t)
	clock := &fixedClock{}
	create := newApp(t, repo, clock, bcrypt.MinCost).CreateCustomer
	ids := make([]string, n)
	for i := range n {
		in := domain.NewCustomerInput{Email: fmt.Sprintf("c%02d@example.com", i), Password: "s3cret-pass", FirstName: "C", LastName: "D"}
		if i%3 == 0 {
			in.Status = new("INACTIVE")
		}
		if i%2 == 0 {
			in.Tags = []string{"VIP"}
		}
		c, err := create.Handle(context.Background(), application.CreateCustomerCommand{Customer: in})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = c.ID()
	}
	return repo, ids
}

// listPage runs q and returns the ids of the customers handed on, with
// the page.
func listPage(t *testing.T, uc application.ListCustomers, q application.ListCustomersQuery) ([]string, application.CustomerPage, error) {
	t.Helper()
	ids := []string{}
	page, err := uc.Handle(context.Background(), q, func(c *domain.Customer) error {
		ids = append(ids, c.ID())
		return nil
	})
	return ids, page, err
}

func TestListCustomers_AppliesDefaultsCapsAndFilters(t *testing.T) {
	repo, ids := seedMany(t, 120)
	tests := []struct {
		name      string
		q         application.ListCustomersQuery
		wantIDs   []string
		wantLimit int
		wantSkip  int
	}{
		{"defaults: first 10", application.ListCustomersQuery{}, ids[:10], 10, 0},
		{"limit and skip", application.ListCustomersQuery{Limit: new(int64(3)), Skip: new(int64(5))}, ids[5:8], 3, 5},
		{"a limit over 100 is capped", application.ListCustomersQuery{Limit: new(int64(1000))}, ids[:100], 100, 0},
		{"limit 0, MongoDB's no limit, is capped", application.ListCustomersQuery{Limit: new(int64(0))}, ids[:100], 100, 0},
		{"skip past the end is an empty page", application.ListCustomersQuery{Skip: new(int64(1) << 40)}, []string{}, 10, 1<<31 - 1},
		{"ids match any", application.ListCustomersQuery{IDs: []string{ids[7], ids[2], "nobody"}}, []string{ids[2], ids[7]}, 10, 0},
		{"emails are normalised", application.ListCustomersQuery{Emails: []string{" C01@Example.COM", "c04@example.com"}}, []string{ids[1], ids[4]}, 10, 0},
		{"an invalid email matches nothing", application.ListCustomersQuery{Emails: []string{"not an email"}}, []string{}, 10, 0},
		{"filters combine with and", application.ListCustomersQuery{
			Statuses: []string{"INACTIVE"}, Tags: []string{"VIP", "GOLD"}, IDs: ids[:13],
		}, []string{ids[0], ids[6], ids[12]}, 10, 0},
	}
	uc := application.NewListCustomers(repo)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, page, err := listPage(t, uc, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.wantIDs) {
				t.Errorf("ids = %v, want %v", got, tt.wantIDs)
			}
			if page.Limit != tt.wantLimit || page.Skip != tt.wantSkip {
				t.Errorf("page limit %d skip %d, want %d %d", page.Limit, page.Skip, tt.wantLimit, tt.wantSkip)
			}
		})
	}
}

func TestListCustomers_ReportsEveryBadArgument(t *testing.T) {
	repo, _ := seedMany(t, 1)
	_, _, err := listPage(t, application.NewListCustomers(repo), application.ListCustomersQuery{
		Limit: new(int64(-1)), Skip: new(int64(-5)), Statuses: []string{"ACTIVE", "active", "gone"}, IDs: []string{"ok", "bad\x00id"},
	})
	want := []string{"limit: must not be negative", "skip: must not be negative", "id: must not contain control characters", "status: must be ACTIVE or INACTIVE"}
	var ve *domain.ValidationError
	if !errors.As(err, &ve) || !slices.Equal(ve.Messages(), want) {
		t.Fatalf("error = %v, want %q", err, want)
	}
}

func TestListCustomers_PagesReturnEachCustomerOnce(t *testing.T) {
	repo, ids := seedMany(t, 25)
	uc := application.NewListCustomers(repo)
	var got []string
	for skip := int64(0); ; skip += 10 {
		page, _, err := listPage(t, uc, application.ListCustomersQuery{Limit: new(int64(10)), Skip: new(skip)})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page...)
		if len(page) < 10 {
			break
		}
	}
	if !slices.Equal(got, ids) {
		t.Fatalf("pages gave %v, want %v", got, ids)
	}
}

// Following page.next from the first page meets every customer once, in
// order, and the last page says nothing follows.
func TestListCustomers_NextWalksEveryCustomerOnce(t *testing.T) {
	for _, total := range []int{25, 30} { // a last page partly full, and exactly full
		t.Run(fmt.Sprint(total), func(t *testing.T) {
			repo, ids := seedMany(t, total)
			uc := application.NewListCustomers(repo)
			var got []string
			q := application.ListCustomersQuery{Limit: new(int64(10))}
			pages := 0
			for {
				page, applied, err := listPage(t, uc, q)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				got = append(got, page...)
				if applied.Next == "" {
					break
				}
				q.After = &applied.Next
			}
			if !slices.Equal(got, ids) || pages != (total+9)/10 {
				t.Fatalf("%d pages gave %v, want %d pages of %v", pages, got, (total+9)/10, ids)
			}
		})
	}
}

// A consumer that has no room for a customer ends the page before it, and
// the page's next goes on from that customer.
func TestListCustomers_APageEndedEarlyGoesOnFromWhereItEnded(t *testing.T) {
	repo, ids := seedMany(t, 10)
	uc := application.NewListCustomers(repo)
	var taken []string
	page, err := uc.Handle(context.Background(), application.ListCustomersQuery{}, func(c *domain.Customer) error {
		if len(taken) == 3 {
			return application.ErrPageFull
		}
		taken = append(taken, c.ID())
		return nil
	})
	if err != nil || !slices.Equal(taken, ids[:3]) || page.Next == "" {
		t.Fatalf("page %v %+v %v, want the first 3 and a next", taken, page, err)
	}
	rest, _, err := listPage(t, uc, application.ListCustomersQuery{After: &page.Next})
	if err != nil || !slices.Equal(rest, ids[3:]) {
		t.Fatalf("after the early end: %v %v, want %v", rest, err, ids[3:])
	}
	// Any other error of the consumer is the call's.
	failed := errors.New("no memory")
	if _, err := uc.Handle(context.Background(), application.ListCustomersQuery{}, func(*domain.Customer) error { return failed }); !errors.Is(err, failed) {
		t.Fatalf("a failing consumer: %v, want its error", err)
	}
}

// A filter never widens to everyone: an empty list matches nobody, and an
// empty or blank value is refused.
func TestListCustomers_FiltersNeverWiden(t *testing.T) {
	repo, _ := seedMany(t, 3)
	uc := application.NewListCustomers(repo)
	empty := []application.ListCustomersQuery{{IDs: []string{}}, {Emails: []string{}}, {Statuses: []string{}}, {Tags: []string{}}}
	for _, q := range empty {
		got, page, err := listPage(t, uc, q)
		if err != nil || len(got) != 0 || page.Next != "" {
			t.Errorf("List(%+v) = %v %+v %v, want nobody", q, got, page, err)
		}
	}
	blank := []struct {
		q    application.ListCustomersQuery
		want string
	}{
		{application.ListCustomersQuery{IDs: []string{""}}, "id: must not hold an empty value"},
		{application.ListCustomersQuery{IDs: []string{"", ""}}, "id: must not hold an empty value"},
		{application.ListCustomersQuery{Tags: []string{" "}}, "tags: must not hold an empty value"},
		{application.ListCustomersQuery{Emails: []string{"a@example.com", "\t"}}, "email: must not hold an empty value"},
		{application.ListCustomersQuery{Statuses: []string{""}}, "status: must not hold an empty value"},
	}
	for _, tt := range blank {
		_, _, err := listPage(t, uc, tt.q)
		var ve *domain.ValidationError
		if !errors.As(err, &ve) || !slices.Equal(ve.Messages(), []string{tt.want}) {
			t.Errorf("List(%+v) = %v, want %q", tt.q, err, tt.want)
		}
	}
}

func TestListCustomers_AfterTakesOnlyANextAndNoSkip(t *testing.T) {
	repo, _ := seedMany(t, 3)
	uc := application.NewListCustomers(repo)
	_, first, err := listPage(t, uc, application.ListCustomersQuery{Limit: new(int64(1))})
	if err != nil || first.Next == "" {
		t.Fatalf("first page %+v %v", first, err)
	}
	tests := []struct {
		name  string
		after string
		skip  *int64
		want  string
	}{
		{"made up", "not-a-cursor", nil, "after: must be the page.next of an earlier page"},
		{"empty", "", nil, "after: must be the page.next of an earlier page"},
		{"a cursor of a bad id", "MTIzLg", nil, "after: must be the page.next of an earlier page"},
		{"with skip", first.Next, new(int64(1)), "after: cannot be combined with skip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := listPage(t, uc, application.ListCustomersQuery{After: &tt.after, Skip: tt.skip})
			var ve *domain.ValidationError
			if !errors.As(err, &ve) || !slices.Equal(ve.Messages(), []string{tt.want}) {
				t.Fatalf("List = %v, want %q", err, tt.want)
			}
		})
	}
}
