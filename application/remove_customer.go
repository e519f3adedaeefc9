package application

import (
	"context"

	"github.com/microbase-io/customer-service/domain"
)

// RemoveCustomer answers customer.remove.
type RemoveCustomer interface {
	Handle(ctx context.Context, id string) error
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
func (uc removeCustomer) Handle(ctx context.Context, id string) error {
	if err := domain.CheckID("id", id); err != nil {
		return err
	}
	return uc.repo.Delete(ctx, id, newEvent(EventRemoved, map[string]any{"id": id}, uc.clock.Now()))
}
