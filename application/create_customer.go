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

type createCustomer struct{ p *passwords }

// Handle refuses a call with bad arguments without hashing its password.
func (uc createCustomer) Handle(ctx context.Context, cmd CreateCustomerCommand) (*domain.Customer, error) {
	if err := domain.WithUnread(cmd.Unread, domain.CheckNewCustomer(cmd.Customer)); err != nil {
		return nil, err
	}
	now := uc.p.clock.Now()
	var c *domain.Customer
	if err := uc.p.slots.run(ctx, func() (err error) { c, err = domain.NewCustomer(cmd.Customer, uc.p.cost, now); return err }); err != nil {
		return nil, err
	}
	return uc.p.repo.Create(ctx, c, newEvent(CustomerCreated{Customer: c}, now), cmd.Key.madeAt(now))
}
