package application_test

import (
	"context"
	"errors"
	"testing"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

func TestRemoveCustomer_DeletesOnceThenIsNotFound(t *testing.T) {
	repo, clock, c := seed(t)
	uc := application.NewRemoveCustomer(repo, clock)
	if err := uc.Handle(context.Background(), application.RemoveCustomerCommand{ID: c.ID()}); err != nil {
		t.Fatalf("first removal: %v", err)
	}
	if _, err := repo.Get(context.Background(), c.ID()); !errors.Is(err, domain.ErrCustomerNotFound) {
		t.Fatalf("after removal Get = %v, want not found", err)
	}
	var nf *domain.CustomerNotFoundError
	if err := uc.Handle(context.Background(), application.RemoveCustomerCommand{ID: c.ID()}); !errors.As(err, &nf) || nf.ID != c.ID() {
		t.Fatalf("second removal = %v, want customer %s not found", err, c.ID())
	}
}

func TestRemoveCustomer_ChecksTheIDBeforeTheStore(t *testing.T) {
	repo, _, _ := seed(t)
	if err := application.NewRemoveCustomer(repo, application.SystemClock{}).Handle(context.Background(), application.RemoveCustomerCommand{}); !errors.Is(err, domain.ErrValidation) {
		t.Fatalf("error = %v, want validation error", err)
	}
}
