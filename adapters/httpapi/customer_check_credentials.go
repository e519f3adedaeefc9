package httpapi

import (
	"context"

	"github.com/microbase-io/customer-service/application"
)

// customerCheckCredentials answers only ok or bad_credentials, never which
// of email, password or status was wrong. The password goes nowhere but
// the use case: it is not logged, and errors never carry it.
func customerCheckCredentials(uc application.CheckCredentials) func(context.Context, *arguments) (any, error) {
	return func(ctx context.Context, args *arguments) (any, error) {
		cred := application.Credentials{
			Email:    requiredStr(args, "email"),
			Password: requiredStr(args, "password"),
		}
		cred.Unread = args.problems
		if err := uc.Handle(ctx, cred); err != nil {
			return nil, err
		}
		return okPayload{OK: true}, nil
	}
}
