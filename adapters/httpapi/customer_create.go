package httpapi

import (
	"context"
	"github.com/microbase-io/customer-service/adapters/jsonview"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

func customerCreate(uc application.CreateCustomer) func(context.Context, *arguments) (any, error) {
	return func(ctx context.Context, args *arguments) (any, error) {
		in := domain.NewCustomerInput{
			Email:     requiredStr(args, "email"),
			Password:  requiredStr(args, "password"),
			FirstName: requiredStr(args, "firstName"),
			LastName:  requiredStr(args, "lastName"),
			Status:    args.str("status"),
		}
		if tags := args.strList("tags"); tags != nil {
			in.Tags = *tags
		}
		var addresses []addressInputJSON
		if args.has("addresses") && args.object("addresses", &addresses) {
			in.Addresses = make([]domain.AddressInput, len(addresses))
			for i, a := range addresses {
				in.Addresses[i] = a.toDomain()
			}
		}
		c, err := uc.Handle(ctx, application.CreateCustomerCommand{Customer: in, Unread: args.problems})
		if err != nil {
			return nil, err
		}
		return customerPayload{OK: true, Customer: jsonview.FromCustomer(c)}, nil
	}
}
