package httpapi

import (
	"context"
	"github.com/microbase-io/customer-service/adapters/jsonview"

	"github.com/microbase-io/customer-service/application"
)

type addressPayload struct {
	OK      bool             `json:"ok"`
	Address jsonview.Address `json:"address"`
}

func customerAddressInfo(uc application.GetAddress) func(context.Context, *arguments) (any, error) {
	return func(ctx context.Context, args *arguments) (any, error) {
		customerID := requiredStr(args, "customerId")
		addressID := requiredStr(args, "addressId")
		a, err := uc.Handle(ctx, application.GetAddressQuery{CustomerID: customerID, AddressID: addressID, Unread: args.problems})
		if err != nil {
			return nil, err
		}
		return addressPayload{OK: true, Address: jsonview.FromAddress(a)}, nil
	}
}
