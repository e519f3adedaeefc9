package application

import (
	"context"
	"errors"

	"github.com/microbase-io/customer-service/domain"
)

// RemoveAddress answers customer.address.remove with the customer as it is
// without the address.
type RemoveAddress interface {
	Handle(ctx context.Context, cmd RemoveAddressCommand) (*domain.Customer, error)
}

// RemoveAddressCommand is a customer.address.remove call.
type RemoveAddressCommand struct {
	CustomerID string
	AddressID  string
	Unread     []domain.Problem
	Key        IdempotencyKey
}

type removeAddress struct {
	repo  CustomerRepository
	clock Clock
}

func NewRemoveAddress(repo CustomerRepository, clock Clock) RemoveAddress {
	return removeAddress{repo: repo, clock: clock}
}

func (uc removeAddress) Handle(ctx context.Context, cmd RemoveAddressCommand) (*domain.Customer, error) {
	customerID, addressID := cmd.CustomerID, cmd.AddressID
	if err := domain.WithUnread(cmd.Unread, domain.CheckID("customerId", customerID), domain.CheckID("addressId", addressID)); err != nil {
		return nil, err
	}
	c, err := uc.repo.Update(ctx, customerID, cmd.Key.madeAt(uc.clock.Now()), func(c *domain.Customer) (NewEvent, error) {
		now := uc.clock.Now()
		return newEvent(AddressRemoved{CustomerID: customerID, AddressID: addressID}, now), c.RemoveAddress(addressID, now)
	})
	return c, addressNotFound(err, customerID, addressID)
}

// addressNotFound reports an absent customer as an absent address: the
// MicroBase contract of customer.address.update and .remove has one error,
// customer_address_not_found, for both.
func addressNotFound(err error, customerID, addressID string) error {
	if errors.Is(err, domain.ErrCustomerNotFound) {
		return &domain.AddressNotFoundError{CustomerID: customerID, AddressID: addressID}
	}
	return err
}
