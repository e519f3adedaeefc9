package application

import (
	"context"

	"github.com/microbase-io/customer-service/domain"
)

// UpdateAddressCommand is a customer.address.update call: the address
// with AddressID is replaced by Address. AddressID is nil when the caller
// named none.
type UpdateAddressCommand struct {
	CustomerID string
	AddressID  *string
	Address    domain.AddressInput
	Unread     []domain.Problem
	Key        IdempotencyKey
}

// UpdateAddress answers customer.address.update with the whole customer.
type UpdateAddress interface {
	Handle(ctx context.Context, cmd UpdateAddressCommand) (*domain.Customer, error)
}

type updateAddress struct {
	repo  CustomerRepository
	clock Clock
}

func NewUpdateAddress(repo CustomerRepository, clock Clock) UpdateAddress {
	return updateAddress{repo: repo, clock: clock}
}

// Handle validates the new address before reading the store. The write is
// the repository's read-decide-write, so an address update racing a
// customer.update keeps both changes.
func (uc updateAddress) Handle(ctx context.Context, cmd UpdateAddressCommand) (*domain.Customer, error) {
	addressID := ""
	idErr := error(&domain.ValidationError{Problems: []domain.Problem{{Field: "address.id", Message: "is required"}}})
	if cmd.AddressID != nil {
		addressID = *cmd.AddressID
		idErr = domain.CheckID("address.id", addressID)
	}
	_, addressErr := domain.NewAddress(addressID, cmd.Address, "address.")
	if err := domain.WithUnread(cmd.Unread, domain.CheckID("customerId", cmd.CustomerID), idErr, addressErr); err != nil {
		return nil, err
	}
	c, err := uc.repo.Update(ctx, cmd.CustomerID, cmd.Key.madeAt(uc.clock.Now()), func(c *domain.Customer) (NewEvent, error) {
		now := uc.clock.Now()
		a, err := c.ReplaceAddress(addressID, cmd.Address, now)
		return newEvent(AddressReplaced{CustomerID: cmd.CustomerID, Address: a}, now), err
	})
	return c, addressNotFound(err, cmd.CustomerID, addressID)
}
