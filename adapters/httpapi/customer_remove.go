package httpapi

import (
	"context"

	"github.com/microbase-io/customer-service/application"
)

func customerRemove(uc application.RemoveCustomer) func(context.Context, *arguments) (any, error) {
	return func(ctx context.Context, args *arguments) (any, error) {
		id := requiredStr(args, "id")
		if err := uc.Handle(ctx, application.RemoveCustomerCommand{ID: id, Unread: args.problems}); err != nil {
			return nil, err
		}
		return okPayload{OK: true}, nil
	}
}
