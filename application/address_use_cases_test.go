package application_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

func workAddress() domain.AddressInput {
	return domain.AddressInput{
		Name: "Work", FirstName: "John", Address1: "1650 Bolman Court", PostCode: "61701",
		City: "Bloomington", State: "Illinois", Country: "us", Phone: new(int64(2173203531)),
	}
}

// seedWithAddress is seed plus one address; it returns the address id.
func seedWithAddress(t *testing.T) (*fixedClock, *domain.Customer, string, application.CustomerRepository) {
	t.Helper()
	repo, clock, c := seed(t)
	c, err := application.NewAddAddresses(repo, clock).Handle(context.Background(), application.AddAddressesCommand{
		CustomerID: c.ID(), Addresses: []domain.AddressInput{workAddress()},
	})
	if err != nil {
		t.Fatal(err)
	}
	return clock, c, c.Addresses()[0].ID, repo
}

func wantValidation(t *testing.T, err error, want ...string) {
	t.Helper()
	var ve *domain.ValidationError
	if !errors.As(err, &ve) || !slices.Equal(ve.Messages(), want) {
		t.Fatalf("error = %v, want validation problems %q", err, want)
	}
}

func TestAddAddresses_AppendsWithFreshIDsAndBumpsTheVersion(t *testing.T) {
	repo, clock, c := seed(t)
	uc := application.NewAddAddresses(repo, clock)
	got, err := uc.Handle(context.Background(), application.AddAddressesCommand{
		CustomerID: c.ID(), Addresses: []domain.AddressInput{workAddress(), workAddress()},
	})
	if err != nil {
		t.Fatal(err)
	}
	a := got.Addresses()
	if len(a) != 2 || a[0].ID == a[1].ID || a[0].Country != "US" || got.Version() != 1 || !got.UpdatedAt().After(c.UpdatedAt()) {
		t.Fatalf("customer %+v, want two addresses with distinct ids at version 1", got.Snapshot())
	}
	stored, _ := repo.Get(context.Background(), c.ID())
	if !slices.EqualFunc(stored.Addresses(), a, domain.Address.Equal) {
		t.Fatalf("stored %+v, want what was answered", stored.Addresses())
	}
}

func TestAddAddresses_RefusesBadInputBeforeTheStore(t *testing.T) {
	repo, clock, c := seed(t)
	uc := application.NewAddAddresses(repo, clock)
	badCity := workAddress()
	badCity.City = ""
	badCountry := workAddress()
	badCountry.Country = "XX"
	tests := []struct {
		name  string
		cmd   application.AddAddressesCommand
		check func(t *testing.T, err error)
	}{
		{"no addresses", application.AddAddressesCommand{CustomerID: c.ID()}, func(t *testing.T, err error) {
			wantValidation(t, err, "addresses: must hold at least one address")
		}},
		{"every problem at once, even for an unknown customer", application.AddAddressesCommand{
			CustomerID: " x", Addresses: []domain.AddressInput{workAddress(), badCity},
		}, func(t *testing.T, err error) {
			wantValidation(t, err, "customerId: must not have surrounding spaces", "addresses[1].city: must not be empty")
		}},
		{"invalid country", application.AddAddressesCommand{CustomerID: "nobody", Addresses: []domain.AddressInput{badCountry}}, func(t *testing.T, err error) {
			if !errors.As(err, new(*domain.InvalidCountryError)) {
				t.Fatalf("error = %v, want invalid country", err)
			}
		}},
		{"unknown customer", application.AddAddressesCommand{CustomerID: "nobody", Addresses: []domain.AddressInput{workAddress()}}, func(t *testing.T, err error) {
			if !errors.Is(err, domain.ErrCustomerNotFound) {
				t.Fatalf("error = %v, want customer not found", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := uc.Handle(context.Background(), tt.cmd)
			tt.check(t, err)
			if stored, _ := repo.Get(context.Background(), c.ID()); stored.Version() != 0 {
				t.Fatal("a refused call wrote the customer")
			}
		})
	}
}

func TestAddAddresses_ConcurrentCallsAllLand(t *testing.T) {
	repo, clock, c := seed(t)
	uc := application.NewAddAddresses(repo, &lockedClock{clock: clock})
	const writers = 10
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			in := workAddress()
			in.Name = fmt.Sprint("Address ", i)
			if _, err := uc.Handle(context.Background(), application.AddAddressesCommand{CustomerID: c.ID(), Addresses: []domain.AddressInput{in}}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	stored, _ := repo.Get(context.Background(), c.ID())
	if len(stored.Addresses()) != writers || stored.Version() != writers {
		t.Fatalf("%d addresses at version %d, want %d", len(stored.Addresses()), stored.Version(), writers)
	}
}

func TestGetAddress_TellsAnAbsentCustomerFromAnAbsentAddress(t *testing.T) {
	_, c, addressID, repo := seedWithAddress(t)
	uc := application.NewGetAddress(repo)
	a, err := uc.Handle(context.Background(), application.GetAddressQuery{CustomerID: c.ID(), AddressID: addressID})
	if err != nil || a.ID != addressID || a.City != "Bloomington" {
		t.Fatalf("Handle = %+v, %v", a, err)
	}
	if _, err := uc.Handle(context.Background(), application.GetAddressQuery{CustomerID: "nobody", AddressID: addressID}); !errors.Is(err, domain.ErrCustomerNotFound) {
		t.Errorf("unknown customer: %v, want customer not found", err)
	}
	if _, err := uc.Handle(context.Background(), application.GetAddressQuery{CustomerID: c.ID(), AddressID: "nowhere"}); !errors.Is(err, domain.ErrAddressNotFound) {
		t.Errorf("unknown address: %v, want address not found", err)
	}
	_, err = uc.Handle(context.Background(), application.GetAddressQuery{})
	wantValidation(t, err, "customerId: must not be empty", "addressId: must not be empty")
}

func TestUpdateAddress_ReplacesTheAddressKeepingItsID(t *testing.T) {
	clock, c, addressID, repo := seedWithAddress(t)
	in := workAddress()
	in.City, in.Country, in.Phone = "Paris", "FR", nil
	got, err := application.NewUpdateAddress(repo, clock).Handle(context.Background(), application.UpdateAddressCommand{
		CustomerID: c.ID(), AddressID: &addressID, Address: in,
	})
	if err != nil {
		t.Fatal(err)
	}
	a := got.Addresses()
	if len(a) != 1 || a[0].ID != addressID || a[0].City != "Paris" || a[0].Phone != nil || got.Version() != 2 {
		t.Fatalf("customer %+v, want the address replaced at version 2", got.Snapshot())
	}
}

func TestUpdateAddress_AbsentCustomerOrAddressIsAddressNotFound(t *testing.T) {
	clock, c, addressID, repo := seedWithAddress(t)
	uc := application.NewUpdateAddress(repo, clock)
	for _, ids := range [][2]string{{"nobody", addressID}, {c.ID(), "nowhere"}} {
		_, err := uc.Handle(context.Background(), application.UpdateAddressCommand{CustomerID: ids[0], AddressID: &ids[1], Address: workAddress()})
		var nf *domain.AddressNotFoundError
		if !errors.As(err, &nf) || nf.CustomerID != ids[0] || nf.AddressID != ids[1] {
			t.Errorf("%v: error = %v, want address not found naming both ids", ids, err)
		}
	}
	bad := workAddress()
	bad.Name, bad.Country = "", "ZZ"
	_, err := uc.Handle(context.Background(), application.UpdateAddressCommand{CustomerID: c.ID(), Address: bad})
	wantValidation(t, err, "address.id: is required", "address.name: must not be empty")
	_, err = uc.Handle(context.Background(), application.UpdateAddressCommand{CustomerID: c.ID(), AddressID: new(""), Address: bad})
	wantValidation(t, err, "address.id: must not be empty", "address.name: must not be empty")
	bad.Name = "Home"
	_, err = uc.Handle(context.Background(), application.UpdateAddressCommand{CustomerID: c.ID(), AddressID: &addressID, Address: bad})
	if !errors.As(err, new(*domain.InvalidCountryError)) {
		t.Errorf("error = %v, want invalid country", err)
	}
}

func TestRemoveAddress_AnswersTheCustomerWithoutIt(t *testing.T) {
	clock, c, addressID, repo := seedWithAddress(t)
	uc := application.NewRemoveAddress(repo, clock)
	got, err := uc.Handle(context.Background(), application.RemoveAddressCommand{CustomerID: c.ID(), AddressID: addressID})
	if err != nil || len(got.Addresses()) != 0 || got.Version() != 2 {
		t.Fatalf("Handle = %+v, %v; want no address at version 2", got, err)
	}
	for _, ids := range [][2]string{{c.ID(), addressID}, {"nobody", addressID}} {
		if _, err := uc.Handle(context.Background(), application.RemoveAddressCommand{CustomerID: ids[0], AddressID: ids[1]}); !errors.Is(err, domain.ErrAddressNotFound) {
			t.Errorf("%v: error = %v, want address not found", ids, err)
		}
	}
	_, err = uc.Handle(context.Background(), application.RemoveAddressCommand{CustomerID: c.ID()})
	wantValidation(t, err, "addressId: must not be empty")
}

// lockedClock lets concurrent use cases share a fixedClock.
type lockedClock struct {
	mu    sync.Mutex
	clock *fixedClock
}

func (c *lockedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.clock.Now()
}
