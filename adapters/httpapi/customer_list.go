package httpapi

import (
	"context"
	"github.com/microbase-io/customer-service/adapters/jsonview"

	"github.com/microbase-io/customer-service/application"
)

type listPayload struct {
	OK   bool                `json:"ok"`
	Page pageJSON            `json:"page"`
	Data []projectedCustomer `json:"data"`
}

// pageJSON is the limit and skip that were applied, which may differ from
// those asked for (a limit over the maximum is capped).
type pageJSON struct {
	Limit int `json:"limit"`
	Skip  int `json:"skip"`
}

func customerList(uc application.ListCustomers) func(context.Context, *arguments) (any, error) {
	return func(ctx context.Context, args *arguments) (any, error) {
		q := application.ListCustomersQuery{
			IDs:      listOrNil(args.filterList("id")),
			Emails:   listOrNil(args.filterList("email")),
			Statuses: listOrNil(args.filterList("status")),
			Tags:     listOrNil(args.filterList("tags")),
			Limit:    args.integer("limit"),
			Skip:     args.integer("skip"),
		}
		fields := selectFields(listOrNil(args.filterList("fields")))
		q.Unread = args.problems
		page, err := uc.Handle(ctx, q)
		if err != nil {
			return nil, err
		}
		out := listPayload{OK: true, Page: pageJSON{Limit: page.Limit, Skip: page.Skip}, Data: make([]projectedCustomer, len(page.Customers))}
		for i, c := range page.Customers {
			out.Data[i] = projectedCustomer{customer: jsonview.FromCustomer(c), fields: fields}
		}
		return out, nil
	}
}

func listOrNil(l *[]string) []string {
	if l == nil {
		return nil
	}
	return *l
}
