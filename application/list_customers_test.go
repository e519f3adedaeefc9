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
	repo := sqlitetest.Open(t, application.OutboxLimits{})
	clock := &fixedClock{}
	create := application.NewCreateCustomer(repo, bcrypt.MinCost, clock)
	ids := make([]string, n)
	for i := range n {
		in := domain.NewCustomerInput{Email: fmt.Sprintf("c%02d@example.com", i), Password: "s3cret-pass", FirstName: "C", LastName: "D"}
		if i%3 == 0 {
			in.Status = ptr("INACTIVE")
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

func pageIDs(p application.CustomerPage) []string {
	out := []string{}
	for _, c := range p.Customers {
		out = append(out, c.ID())
	}
	return out
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
		{"limit and skip", application.ListCustomersQuery{Limit: ptr(int64(3)), Skip: ptr(int64(5))}, ids[5:8], 3, 5},
		{"a limit over 100 is capped", application.ListCustomersQuery{Limit: ptr(int64(1000))}, ids[:100], 100, 0},
		{"limit 0, MongoDB's no limit, is capped", application.ListCustomersQuery{Limit: ptr(int64(0))}, ids[:100], 100, 0},
		{"skip past the end is an empty page", application.ListCustomersQuery{Skip: ptr(int64(1) << 40)}, []string{}, 10, 1<<31 - 1},
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
			page, err := uc.Handle(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := pageIDs(page); !slices.Equal(got, tt.wantIDs) {
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
	_, err := application.NewListCustomers(repo).Handle(context.Background(), application.ListCustomersQuery{
		Limit: ptr(int64(-1)), Skip: ptr(int64(-5)), Statuses: []string{"ACTIVE", "active", "gone"}, IDs: []string{"ok", "bad\x00id"},
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
		page, err := uc.Handle(context.Background(), application.ListCustomersQuery{Limit: ptr(int64(10)), Skip: ptr(skip)})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, pageIDs(page)...)
		if len(page.Customers) < 10 {
			break
		}
	}
	if !slices.Equal(got, ids) {
		t.Fatalf("pages gave %v, want %v", got, ids)
	}
}
