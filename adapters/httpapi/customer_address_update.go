package httpapi

import (
	"context"
	"github.com/microbase-io/customer-service/adapters/jsonview"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
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
		rules := []error{domain.CheckID("customerId", cmd.CustomerID)}
		var address addressUpdateJSON
		switch {
		case !args.has("address"):
			args.problem("address", "is required")
		case args.object("address", &address):
			if address.ID == nil {
				args.problem("address.id", "is required")
			} else {
				cmd.AddressID = *address.ID
				rules = append(rules, domain.CheckID("address.id", cmd.AddressID))
			}
			cmd.Address = address.toDomain()
			_, addressErr := domain.NewAddress(cmd.AddressID, cmd.Address, "address.")
			rules = append(rules, addressErr)
		}
		if err := args.err(); err != nil {
			return nil, withRuleProblems(err, rules...)
		}
		c, err := uc.Handle(ctx, cmd)
		if err != nil {
			return nil, err
		}
		return customerPayload{OK: true, Customer: jsonview.FromCustomer(c)}, nil
	}
}
