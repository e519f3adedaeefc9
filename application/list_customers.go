package application

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/microbase-io/customer-service/domain"
)

// Page sizes of customer.list: MicroBase's default and the most one call
// may ask for, so that no caller can make the service load a whole
// collection at once.
const (
	DefaultListLimit = 10
	MaxListLimit     = 100
	// MaxFilterValues bounds each filter list: a page holds at most
	// MaxListLimit customers, so more values than that only cost the
	// database work (an $in of a hundred thousand values) and buy nothing
	// a caller could not get with several calls.
	MaxFilterValues = 100
)

// ListCustomersQuery is a customer.list call as the caller sends it. Each
// non-empty filter matches any of its values; filters combine with AND. A
// nil Limit or Skip takes its default.
type ListCustomersQuery struct {
	IDs      []string
	Emails   []string
	Statuses []string
	Tags     []string
	Limit    *int64
	Skip     *int64
	Unread   []domain.Problem
}

// CustomerPage is one page of customer.list, with the limit and skip that
// were applied.
type CustomerPage struct {
	Customers []*domain.Customer
	Limit     int
	Skip      int
}

// ListCustomers answers customer.list.
type ListCustomers interface {
	Handle(ctx context.Context, q ListCustomersQuery) (CustomerPage, error)
}

type listCustomers struct{ repo CustomerRepository }

func NewListCustomers(repo CustomerRepository) ListCustomers { return listCustomers{repo: repo} }

func (uc listCustomers) Handle(ctx context.Context, q ListCustomersQuery) (CustomerPage, error) {
	lq, err := toListQuery(q)
	if err := domain.WithUnread(q.Unread, err); err != nil {
		return CustomerPage{}, err
	}
	customers, err := uc.repo.List(ctx, lq)
	if err != nil {
		return CustomerPage{}, err
	}
	return CustomerPage{Customers: customers, Limit: lq.Limit, Skip: lq.Skip}, nil
}

// toListQuery checks every argument and reports all problems at once.
//
// A limit of 0 is what MongoDB (and so the Node.js service) reads as "no
// limit"; here it is capped like any other large limit. An email filter
// value is normalised as customer.create normalises emails, so it matches
// however the caller spells it; a value that is not a valid email today is
// compared as sent, so customers stored by the Node.js service under
// older, looser rules can still be found.
func toListQuery(q ListCustomersQuery) (ListQuery, error) {
	var problems []domain.Problem
	bad := func(field, message string) {
		problems = append(problems, domain.Problem{Field: field, Message: message})
	}
	lq := ListQuery{Limit: DefaultListLimit, IDs: q.IDs, Tags: q.Tags}
	for field, values := range map[string][]string{"id": q.IDs, "email": q.Emails, "status": q.Statuses, "tags": q.Tags} {
		if len(values) > MaxFilterValues {
			bad(field, "must hold at most "+strconv.Itoa(MaxFilterValues)+" values")
		}
	}
	if len(problems) > 0 {
		slices.SortFunc(problems, func(a, b domain.Problem) int { return strings.Compare(a.Field, b.Field) })
		return ListQuery{}, &domain.ValidationError{Problems: problems}
	}
	switch {
	case q.Limit == nil:
	case *q.Limit < 0:
		bad("limit", "must not be negative")
	case *q.Limit == 0 || *q.Limit > MaxListLimit:
		lq.Limit = MaxListLimit
	default:
		lq.Limit = int(*q.Limit)
	}
	if q.Skip != nil {
		if *q.Skip < 0 {
			bad("skip", "must not be negative")
		} else {
			lq.Skip = int(min(*q.Skip, maxSkip))
		}
	}
	for _, id := range q.IDs {
		var ve *domain.ValidationError
		if errors.As(domain.CheckID("id", id), &ve) {
			problems = append(problems, ve.Problems...)
			break // one message says what is wrong; the values may be many
		}
	}
	for _, s := range q.Statuses {
		status, err := domain.ParseStatus(s)
		if err != nil {
			bad("status", "must be ACTIVE or INACTIVE")
			break
		}
		lq.Statuses = append(lq.Statuses, status)
	}
	for _, e := range q.Emails {
		if normal, err := domain.NormalizeEmail(e); err == nil {
			e = normal
		} else {
			e = strings.TrimSpace(e)
		}
		lq.Emails = append(lq.Emails, e)
	}
	if len(problems) > 0 {
		return ListQuery{}, &domain.ValidationError{Problems: problems}
	}
	return lq, nil
}

// maxSkip keeps a skip within what every store and platform takes (an int
// on 32-bit platforms, a BSON int64); no collection has that many
// customers, so the page is empty either way.
const maxSkip = 1<<31 - 1
