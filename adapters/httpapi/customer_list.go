package httpapi

import (
	"context"
	"errors"
	"io"
	"reflect"

	"github.com/go-json-experiment/json"

	"github.com/microbase-io/customer-service/adapters/jsonview"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

type customerListRequest struct {
	IDs      filter    `json:"id" doc:"Ids to match."`
	Emails   filter    `json:"email" doc:"Emails to match."`
	Statuses filter    `json:"status" doc:"Statuses to match."`
	Tags     filter    `json:"tags" note:"each a list" doc:"Tags to match."`
	Limit    *integer  `json:"limit" note:"10; at most 100"`
	Skip     *integer  `json:"skip" note:"0"`
	After    *string   `json:"after" note:"page.next" doc:"The page.next of the page before: the page that follows it (without skip)."`
	Fields   fieldList `json:"fields" doc:"Field names to answer, or to leave out with a leading \"-\"."`
}

// listPayload is what the document says a customer.list answer is;
// listAnswer writes it.
type listPayload struct {
	OK   bool                `json:"ok"`
	Page pageJSON            `json:"page"`
	Data []projectedCustomer `json:"data"`
}

// pageJSON is the limit and skip that were applied, which may differ from
// those asked for (a limit over the maximum is capped), and where the list
// goes on.
type pageJSON struct {
	Limit int    `json:"limit"`
	Skip  int    `json:"skip"`
	Next  string `json:"next,omitempty" doc:"Present when more customers may follow: send it as after for the next page."`
}

func customerList(app application.Application) endpoint {
	ep := handle(func(ctx context.Context, req customerListRequest, unread []domain.Problem) (*listAnswer, error) {
		fields := selectFields(req.Fields)
		answer := &listAnswer{ctx: ctx, room: claimOf(ctx), fields: fields}
		applied, err := app.ListCustomers.Handle(ctx, application.ListCustomersQuery{
			IDs: req.IDs, Emails: req.Emails, Statuses: req.Statuses, Tags: req.Tags,
			Limit: (*int64)(req.Limit), Skip: (*int64)(req.Skip), After: req.After,
			WithoutAddresses: !fields.holds(addressesField), Unread: unread,
		}, answer.add)
		if err != nil {
			return nil, err
		}
		answer.page = pageJSON(applied)
		return answer, nil
	})
	ep.answerType = reflect.TypeFor[listPayload]()
	return ep
}

// listAnswer is a customer.list answer. It encodes the customers of its
// page as they come, so that it holds their JSON, not the customers, and
// ends once it holds the most an answer may hold or no more room is to be
// had.
type listAnswer struct {
	ctx    context.Context // the request's, for the wait for room
	room   *claim
	fields fieldSelection
	page   pageJSON
	data   []byte // the customers, comma-separated
}

func (a *listAnswer) add(c *domain.Customer) error {
	start := len(a.data)
	if start > 0 {
		a.data = append(a.data, ',')
	}
	data, err := appendProjected(a.data, jsonview.FromCustomer(c), a.fields)
	if err != nil {
		return err
	}
	a.data = data
	n := int64(len(a.data) - start)
	if start == 0 {
		// The first customer is waited for, however large: a page
		// always moves the list on.
		return a.room.wait(a.ctx, n)
	}
	if int64(len(a.data)) > a.room.pool.answerBytes || !a.room.try(n) {
		a.data = a.data[:start]
		return application.ErrPageFull
	}
	return nil
}

func (a *listAnswer) writeJSON(w io.Writer) error {
	page, err := json.Marshal(a.page, answerOptions)
	if err != nil {
		return err
	}
	var errs []error
	for _, part := range [][]byte{[]byte(`{"ok":true,"page":`), page, []byte(`,"data":[`), a.data, []byte(`]}`)} {
		_, err := w.Write(part)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
