package application

import (
	"context"

	"github.com/microbase-io/customer-service/domain"
)

// GetAddress answers customer.address.info: domain.ErrCustomerNotFound
// when the customer is absent, domain.ErrAddressNotFound when the address
// is.
type GetAddress interface {
	Handle(ctx context.Context, q GetAddressQuery) (domain.Address, error)
}

// GetAddressQuery is a customer.address.info call.
type GetAddressQuery struct {
	CustomerID string
	AddressID  string
	Unread     []domain.Problem
}

type getAddress struct{ repo CustomerRepository }

func NewGetAddress(repo CustomerRepository) GetAddress { return getAddress{repo: repo} }

func (uc getAddress) Handle(ctx context.Context, q GetAddressQuery) (domain.Address, error) {
	if err := domain.WithUnread(q.Unread, domain.CheckID("customerId", q.CustomerID), domain.CheckID("addressId", q.AddressID)); err != nil {
		return domain.Address{}, err
	}
	c, err := uc.repo.Get(ctx, q.CustomerID)
	if err != nil {
		return domain.Address{}, err
	}
	return c.Address(q.AddressID)
}
