package httpapi

import (
	"context"
	"github.com/microbase-io/customer-service/adapters/jsonview"

	"github.com/microbase-io/customer-service/application"
)

// addressUpdateJSON is the address argument of customer.address.update:
// the new address with the id of the one it replaces.
type addressUpdateJSON struct {
	ID *string `json:"id"`
	addressInputJSON
}

func customerAddressUpdate(uc application.UpdateAddress) func(context.Context, *arguments) (any, error) {
	return func(ctx context.Context, args *arguments) (any, error) {
		cmd := application.UpdateAddressCommand{CustomerID: requiredStr(args, "customerId")}
		var address addressUpdateJSON
		switch {
		case !args.has("address"):
			args.problem("address", "is required")
		case args.object("address", &address):
			cmd.AddressID = address.ID
			cmd.Address = address.toDomain()
		}
		cmd.Unread = args.problems
		c, err := uc.Handle(ctx, cmd)
		if err != nil {
			return nil, err
		}
		return customerPayload{OK: true, Customer: jsonview.FromCustomer(c)}, nil
	}
}
