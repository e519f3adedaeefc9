package application

import (
	"context"

	"github.com/microbase-io/customer-service/domain"
)

// CreateCustomerCommand is a customer.create call.
type CreateCustomerCommand struct {
	Customer domain.NewCustomerInput
	Unread   []domain.Problem
	Key      IdempotencyKey
}

// CreateCustomer answers customer.create.
type CreateCustomer interface {
	Handle(ctx context.Context, cmd CreateCustomerCommand) (*domain.Customer, error)
}

type createCustomer struct {
	repo       CustomerRepository
	bcryptCost int
	clock      Clock
	slots      *bcryptSlots
}

// Handle refuses a call with unread arguments without hashing its password.
func (uc createCustomer) Handle(ctx context.Context, cmd CreateCustomerCommand) (*domain.Customer, error) {
	if len(cmd.Unread) > 0 {
		return nil, domain.WithUnread(cmd.Unread, domain.CheckNewCustomer(cmd.Customer))
	}
	if err := domain.CheckNewCustomer(cmd.Customer); err != nil {
		return nil, err
	}
	now := uc.clock.Now()
	var (
		c   *domain.Customer
		err error
	)
	if busy := uc.slots.run(ctx, func() { c, err = domain.NewCustomer(cmd.Customer, uc.bcryptCost, now) }); busy != nil {
		return nil, busy
	}
	if err != nil {
		return nil, err
	}
	return uc.repo.Create(ctx, c, newEvent(CustomerCreated{Customer: c}, now), cmd.Key.madeAt(now))
}
