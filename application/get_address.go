package application

import (
	"context"

	"github.com/microbase-io/customer-service/domain"
)

// GetAddress answers customer.address.info: domain.ErrCustomerNotFound
// when the customer is absent, domain.ErrAddressNotFound when the address
// is.
type GetAddress interface {
	Handle(ctx context.Context, customerID, addressID string) (domain.Address, error)
}

type getAddress struct{ repo CustomerRepository }

func NewGetAddress(repo CustomerRepository) GetAddress { return getAddress{repo: repo} }

func (uc getAddress) Handle(ctx context.Context, customerID, addressID string) (domain.Address, error) {
	if err := domain.JoinValidation(domain.CheckID("customerId", customerID), domain.CheckID("addressId", addressID)); err != nil {
		return domain.Address{}, err
	}
	c, err := uc.repo.Get(ctx, customerID)
	if err != nil {
		return domain.Address{}, err
	}
	return c.Address(addressID)
}
