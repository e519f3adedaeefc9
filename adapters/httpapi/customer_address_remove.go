package httpapi

import (
	"context"
	"github.com/microbase-io/customer-service/adapters/jsonview"

	"github.com/microbase-io/customer-service/application"
)

func customerAddressRemove(uc application.RemoveAddress) func(context.Context, *arguments) (any, error) {
	return func(ctx context.Context, args *arguments) (any, error) {
		customerID := requiredStr(args, "customerId")
		addressID := requiredStr(args, "addressId")
		c, err := uc.Handle(ctx, application.RemoveAddressCommand{CustomerID: customerID, AddressID: addressID, Unread: args.problems})
		if err != nil {
			return nil, err
		}
		return customerPayload{OK: true, Customer: jsonview.FromCustomer(c)}, nil
	}
}
