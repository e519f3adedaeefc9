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
	ep := handle(func(ctx context.Context, req customerListRequest, unread []domain.Problem) (listAnswer, error) {
		fields := selectFields(req.Fields)
		page := &pageBuilder{ctx: ctx, room: claimOf(ctx), fields: fields}
		applied, err := app.ListCustomers.Handle(ctx, application.ListCustomersQuery{
			IDs: req.IDs, Emails: req.Emails, Statuses: req.Statuses, Tags: req.Tags,
			Limit: (*int64)(req.Limit), Skip: (*int64)(req.Skip), After: req.After,
			WithoutAddresses: !fields.holds(addressesField), Unread: unread,
		}, page.add)
		if err != nil {
			return listAnswer{}, err
		}
		return listAnswer{page: pageJSON{Limit: applied.Limit, Skip: applied.Skip, Next: applied.Next}, data: page.data}, nil
	})
	ep.answerType = reflect.TypeFor[listPayload]()
	return ep
}

// pageBuilder encodes the customers of a page as they come, so that the
// page holds their JSON, not the customers, and ends once it holds
// the most an answer may hold or no more room is to be had.
type pageBuilder struct {
	ctx    context.Context // the request's, for the wait for room
	room   *claim
	fields fieldSelection
	data   []byte // the customers, comma-separated
}

func (p *pageBuilder) add(c *domain.Customer) error {
	start := len(p.data)
	if start > 0 {
		p.data = append(p.data, ',')
	}
	data, err := appendProjected(p.data, jsonview.FromCustomer(c), p.fields)
	if err != nil {
		return err
	}
	p.data = data
	n := int64(len(p.data) - start)
	if start == 0 {
		// The first customer is waited for, however large: a page
		// always moves the list on.
		return p.room.wait(p.ctx, n)
	}
	if int64(len(p.data)) > p.room.pool.answerBytes || !p.room.try(n) {
		p.data = p.data[:start]
		return application.ErrPageFull
	}
	return nil
}

// listAnswer is a customer.list answer whose customers are already JSON.
type listAnswer struct {
	page pageJSON
	data []byte
}

func (a listAnswer) writeJSON(w io.Writer) error {
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
