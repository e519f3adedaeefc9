package httpapi

import (
	"context"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

func customerRemove(uc application.RemoveCustomer) func(context.Context, *arguments) (any, error) {
	return func(ctx context.Context, args *arguments) (any, error) {
		id := requiredStr(args, "id")
		if err := args.err(); err != nil {
			return nil, withRuleProblems(err, domain.CheckID("id", id))
		}
		if err := uc.Handle(ctx, id); err != nil {
			return nil, err
		}
		return okPayload{OK: true}, nil
	}
}
