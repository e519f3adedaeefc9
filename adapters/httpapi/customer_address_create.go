package httpapi

import (
	"context"
	"github.com/microbase-io/customer-service/adapters/jsonview"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

func customerAddressCreate(uc application.AddAddresses) func(context.Context, *arguments) (any, error) {
	return func(ctx context.Context, args *arguments) (any, error) {
		cmd := application.AddAddressesCommand{CustomerID: requiredStr(args, "customerId")}
		var addresses []addressInputJSON
		if !args.has("addresses") {
			args.problem("addresses", "is required")
		} else if args.object("addresses", &addresses) {
			cmd.Addresses = make([]domain.AddressInput, len(addresses))
			for i, a := range addresses {
				cmd.Addresses[i] = a.toDomain()
			}
		}
		cmd.Unread = args.problems
		c, err := uc.Handle(ctx, cmd)
		if err != nil {
			return nil, err
		}
		return customerPayload{OK: true, Customer: jsonview.FromCustomer(c)}, nil
	}
}
