package application

import (
	"context"

	"github.com/microbase-io/customer-service/domain"
)

// GetCustomer answers customer.info.
type GetCustomer interface {
	Handle(ctx context.Context, id string) (*domain.Customer, error)
}

type getCustomer struct{ repo CustomerRepository }

func NewGetCustomer(repo CustomerRepository) GetCustomer { return getCustomer{repo: repo} }

func (uc getCustomer) Handle(ctx context.Context, id string) (*domain.Customer, error) {
	if err := domain.CheckID("id", id); err != nil {
		return nil, err
	}
	return uc.repo.Get(ctx, id)
}
