package httpapi

import (
	"context"
	"github.com/microbase-io/customer-service/adapters/jsonview"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

func customerAddressRemove(uc application.RemoveAddress) func(context.Context, *arguments) (any, error) {
	return func(ctx context.Context, args *arguments) (any, error) {
		customerID := requiredStr(args, "customerId")
		addressID := requiredStr(args, "addressId")
		if err := args.err(); err != nil {
			return nil, withRuleProblems(err, domain.CheckID("customerId", customerID), domain.CheckID("addressId", addressID))
		}
		c, err := uc.Handle(ctx, customerID, addressID)
		if err != nil {
			return nil, err
		}
		return customerPayload{OK: true, Customer: jsonview.FromCustomer(c)}, nil
	}
}
