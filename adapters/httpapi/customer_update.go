package httpapi

import (
	"context"
	"github.com/microbase-io/customer-service/adapters/jsonview"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// customerUpdate reads only the arguments the method documents (plus
// version): anything else a client posts back, such as a whole customer
// object with password, _id or createdAt, is ignored and cannot reach the
// store.
func customerUpdate(uc application.UpdateCustomer) func(context.Context, *arguments) (any, error) {
	return func(ctx context.Context, args *arguments) (any, error) {
		cmd := application.UpdateCustomerCommand{
			ID: requiredStr(args, "id"),
			Changes: domain.CustomerChanges{
				Email:     args.str("email"),
				FirstName: args.str("firstName"),
				LastName:  args.str("lastName"),
				Status:    args.str("status"),
				Tags:      args.strList("tags"),
			},
			Version: args.integer("version"),
		}
		cmd.Unread = args.problems
		c, err := uc.Handle(ctx, cmd)
		if err != nil {
			return nil, err
		}
		return customerPayload{OK: true, Customer: jsonview.FromCustomer(c)}, nil
	}
}
