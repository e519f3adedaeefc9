package application

import (
	"context"

	"github.com/microbase-io/customer-service/domain"
)

// AddAddressesCommand is a customer.address.create call.
type AddAddressesCommand struct {
	CustomerID string
	Addresses  []domain.AddressInput
	Unread     []domain.Problem
	Key        IdempotencyKey
}

// AddAddresses answers customer.address.create with the whole customer.
type AddAddresses interface {
	Handle(ctx context.Context, cmd AddAddressesCommand) (*domain.Customer, error)
}

type addAddresses struct {
	repo  CustomerRepository
	clock Clock
}

func NewAddAddresses(repo CustomerRepository, clock Clock) AddAddresses {
	return addAddresses{repo: repo, clock: clock}
}

// Handle refuses bad input before reading the store, then lets the
// repository's read-decide-write add the addresses, so that concurrent
// additions to one customer all land.
func (uc addAddresses) Handle(ctx context.Context, cmd AddAddressesCommand) (*domain.Customer, error) {
	if err := domain.WithUnread(cmd.Unread, domain.CheckID("customerId", cmd.CustomerID), domain.CheckAddressInputs(cmd.Addresses)); err != nil {
		return nil, err
	}
	return uc.repo.Update(ctx, cmd.CustomerID, cmd.Key.madeAt(uc.clock.Now()), func(c *domain.Customer) (NewEvent, error) {
		now := uc.clock.Now()
		added, err := c.AddAddresses(cmd.Addresses, now)
		return newEvent(AddressesAdded{CustomerID: cmd.CustomerID, Addresses: added}, now), err
	})
}
