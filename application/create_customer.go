package application

import (
	"context"

	"github.com/microbase-io/customer-service/domain"
)

// CreateCustomer answers customer.create.
type CreateCustomer interface {
	Handle(ctx context.Context, in domain.NewCustomerInput) (*domain.Customer, error)
}

type createCustomer struct {
	repo       CustomerRepository
	bcryptCost int
	clock      Clock
}

// NewCreateCustomer hashes passwords at bcryptCost.
func NewCreateCustomer(repo CustomerRepository, bcryptCost int, clock Clock) CreateCustomer {
	return createCustomer{repo: repo, bcryptCost: bcryptCost, clock: clock}
}

func (uc createCustomer) Handle(ctx context.Context, in domain.NewCustomerInput) (*domain.Customer, error) {
	now := uc.clock.Now()
	c, err := domain.NewCustomer(in, uc.bcryptCost, now)
	if err != nil {
		return nil, err
	}
	if err := uc.repo.Create(ctx, c, newEvent(EventCreated, createdArgs(c), now)); err != nil {
		return nil, err
	}
	return c, nil
}
