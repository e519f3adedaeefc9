package application

import (
	"context"

	"github.com/microbase-io/customer-service/domain"
)

// GetCustomerQuery is a customer.info call.
type GetCustomerQuery struct {
	ID     string
	Unread []domain.Problem
}

// GetCustomer answers customer.info.
type GetCustomer interface {
	Handle(ctx context.Context, q GetCustomerQuery) (*domain.Customer, error)
}

type getCustomer struct{ repo CustomerRepository }

func NewGetCustomer(repo CustomerRepository) GetCustomer { return getCustomer{repo: repo} }

func (uc getCustomer) Handle(ctx context.Context, q GetCustomerQuery) (*domain.Customer, error) {
	if err := domain.WithUnread(q.Unread, domain.CheckID("id", q.ID)); err != nil {
		return nil, err
	}
	return uc.repo.Get(ctx, q.ID)
}
