package application

import (
	"context"

	"github.com/microbase-io/customer-service/domain"
)

// RemoveCustomerCommand is a customer.remove call.
type RemoveCustomerCommand struct {
	ID     string
	Unread []domain.Problem
	Key    IdempotencyKey
}

// RemoveCustomer answers customer.remove.
type RemoveCustomer interface {
	Handle(ctx context.Context, cmd RemoveCustomerCommand) error
}

type removeCustomer struct {
	repo  CustomerRepository
	clock Clock
}

func NewRemoveCustomer(repo CustomerRepository, clock Clock) RemoveCustomer {
	return removeCustomer{repo: repo, clock: clock}
}

// Handle deletes the customer; a second removal finds nothing to delete
// and says so (domain.ErrCustomerNotFound) rather than succeeding quietly.
func (uc removeCustomer) Handle(ctx context.Context, cmd RemoveCustomerCommand) error {
	if err := domain.WithUnread(cmd.Unread, domain.CheckID("id", cmd.ID)); err != nil {
		return err
	}
	now := uc.clock.Now()
	return uc.repo.Delete(ctx, cmd.ID, newEvent(CustomerRemoved{ID: cmd.ID}, now), cmd.Key.madeAt(now))
}
