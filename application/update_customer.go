package application

import (
	"context"

	"github.com/microbase-io/customer-service/domain"
)

// UpdateCustomerCommand is a customer.update call: the changes to make and,
// for a compare-and-set, the version the caller last saw.
type UpdateCustomerCommand struct {
	ID      string
	Changes domain.CustomerChanges
	Version *int64
	Unread  []domain.Problem
	Key     IdempotencyKey
}

// UpdateCustomer answers customer.update.
type UpdateCustomer interface {
	Handle(ctx context.Context, cmd UpdateCustomerCommand) (*domain.Customer, error)
}

type updateCustomer struct {
	repo  CustomerRepository
	clock Clock
}

func NewUpdateCustomer(repo CustomerRepository, clock Clock) UpdateCustomer {
	return updateCustomer{repo: repo, clock: clock}
}

// Handle validates every argument before touching the store, then leaves
// the read-compare-write to the repository so that it is one atomic step.
func (uc updateCustomer) Handle(ctx context.Context, cmd UpdateCustomerCommand) (*domain.Customer, error) {
	patch, patchErr := domain.NewCustomerPatch(cmd.Changes)
	var versionErr error
	if cmd.Version != nil && *cmd.Version < 0 {
		versionErr = &domain.ValidationError{Problems: []domain.Problem{{Field: "version", Message: "must not be negative"}}}
	}
	if err := domain.WithUnread(cmd.Unread, domain.CheckID("id", cmd.ID), patchErr, versionErr); err != nil {
		return nil, err
	}
	if patch.IsEmpty() {
		c, err := uc.repo.Get(ctx, cmd.ID)
		if err != nil {
			return nil, err
		}
		if err := c.CheckVersion(cmd.Version); err != nil {
			return nil, err
		}
		return c, nil
	}
	now := uc.clock.Now()
	return uc.repo.Patch(ctx, cmd.ID, patch, cmd.Version, now, newEvent(CustomerUpdated{ID: cmd.ID, Patch: patch}, now), cmd.Key.madeAt(now))
}
