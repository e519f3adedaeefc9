package httpapi

import (
	"context"
	"github.com/microbase-io/customer-service/adapters/jsonview"

	"github.com/microbase-io/customer-service/application"
)

func customerInfo(uc application.GetCustomer) func(context.Context, *arguments) (any, error) {
	return func(ctx context.Context, args *arguments) (any, error) {
		id := requiredStr(args, "id")
		c, err := uc.Handle(ctx, application.GetCustomerQuery{ID: id, Unread: args.problems})
		if err != nil {
			return nil, err
		}
		return customerPayload{OK: true, Customer: jsonview.FromCustomer(c)}, nil
	}
}
