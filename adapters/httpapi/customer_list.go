package httpapi

import (
	"context"

	"github.com/microbase-io/customer-service/adapters/jsonview"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

type customerListRequest struct {
	IDs      filter   `json:"id" form:"id" doc:"Ids to match."`
	Emails   filter   `json:"email" form:"email" doc:"Emails to match."`
	Statuses filter   `json:"status" form:"status" doc:"Statuses to match."`
	Tags     filter   `json:"tags" form:"tags" note:"each a list" doc:"Tags to match."`
	Limit    *integer `json:"limit" form:"limit" note:"10; at most 100"`
	Skip     *integer `json:"skip" form:"skip" note:"0"`
	Fields   filter   `json:"fields" form:"fields" doc:"Field names to answer, or to leave out with a leading \"-\"."`
}

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

func customerList(app application.Application) endpoint {
	return handle(func(ctx context.Context, req customerListRequest, unread []domain.Problem) (listPayload, error) {
		page, err := app.ListCustomers.Handle(ctx, application.ListCustomersQuery{
			IDs: req.IDs, Emails: req.Emails, Statuses: req.Statuses, Tags: req.Tags,
			Limit: int64Of(req.Limit), Skip: int64Of(req.Skip), Unread: unread,
		})
		if err != nil {
			return listPayload{}, err
		}
		fields := selectFields(req.Fields)
		out := listPayload{OK: true, Page: pageJSON{Limit: page.Limit, Skip: page.Skip}, Data: make([]projectedCustomer, len(page.Customers))}
		for i, c := range page.Customers {
			out.Data[i] = projectedCustomer{customer: jsonview.FromCustomer(c), fields: fields}
		}
		return out, nil
	})
}
