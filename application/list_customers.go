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

// ErrPageFull is what a page's consumer returns for a customer it has no
// room for: the page ends before that customer, and its Next continues
// from there.
var ErrPageFull = errors.New("the page is full")

// ListCustomersQuery is a customer.list call as the caller sends it. Each
// filter matches any of its values and filters combine with AND; a nil
// filter is no filter, an empty one matches nobody (as MongoDB's $in: []).
// A nil Limit or Skip takes its default; After is the Next of the page
// before.
type ListCustomersQuery struct {
	IDs      []string
	Emails   []string
	Statuses []string
	Tags     []string
	Limit    *int64
	Skip     *int64
	After    *string
	// WithoutAddresses: the caller does not answer addresses, so they
	// need not be read (see ListQuery).
	WithoutAddresses bool
	Unread           []domain.Problem
}

// CustomerPage is what a page of customer.list applied, and where the list
// goes on.
type CustomerPage struct {
	Limit int
	Skip  int
	// Next is the cursor of the page that follows; "" when no customer
	// follows this page.
	Next string
}

// ListCustomers answers customer.list: it hands the customers of the page
// to each, in list order. each may refuse one with ErrPageFull (the page
// ends before it; it must take the first) or fail with another error,
// which Handle returns.
type ListCustomers interface {
	Handle(ctx context.Context, q ListCustomersQuery, each func(*domain.Customer) error) (CustomerPage, error)
}

type listCustomers struct{ repo CustomerRepository }

func NewListCustomers(repo CustomerRepository) ListCustomers { return listCustomers{repo: repo} }

// errMoreFollow stops a list that met the customer after the page.
var errMoreFollow = errors.New("more customers follow")

func (uc listCustomers) Handle(ctx context.Context, q ListCustomersQuery, each func(*domain.Customer) error) (CustomerPage, error) {
	lq, err := toListQuery(q)
	if err := domain.WithUnread(q.Unread, err); err != nil {
		return CustomerPage{}, err
	}
	page := CustomerPage{Limit: lq.Limit, Skip: lq.Skip}
	if matchesNobody(q) {
		return page, nil
	}
	// One customer more than the page tells whether any follows.
	lq.Limit++
	var last *domain.Customer
	taken := 0
	err = uc.repo.List(ctx, lq, func(c *domain.Customer) error {
		if taken == page.Limit {
			return errMoreFollow
		}
		if err := each(c); err != nil {
			return err
		}
		last, taken = c, taken+1
		return nil
	})
	switch {
	case (errors.Is(err, errMoreFollow) || errors.Is(err, ErrPageFull)) && last != nil:
		page.Next = positionOf(last).Cursor()
	case err != nil:
		return CustomerPage{}, err
	}
	return page, nil
}

// matchesNobody tells a query one of whose filters is an empty list.
func matchesNobody(q ListCustomersQuery) bool {
	for _, f := range [][]string{q.IDs, q.Emails, q.Statuses, q.Tags} {
		if f != nil && len(f) == 0 {
			return true
		}
	}
	return false
}

// toListQuery checks every argument and reports all problems at once.
//
// A limit of 0 is what MongoDB (and so the Node.js service) reads as "no
// limit"; here it is capped like any other large limit. An email filter
// value is normalised as customer.create normalises emails, so it matches
// however the caller spells it; a value that is not a valid email today is
// compared as sent, so customers stored by the Node.js service under
// older, looser rules can still be found. An empty or blank filter value
// is refused: read as "any", it would widen the filter to everyone.
func toListQuery(q ListCustomersQuery) (ListQuery, error) {
	var problems []domain.Problem
	bad := func(field, message string) {
		problems = append(problems, domain.Problem{Field: field, Message: message})
	}
	lq := ListQuery{Limit: DefaultListLimit, IDs: q.IDs, Tags: q.Tags, WithoutAddresses: q.WithoutAddresses}
	for field, values := range map[string][]string{"id": q.IDs, "email": q.Emails, "status": q.Statuses, "tags": q.Tags} {
		switch {
		case len(values) > MaxFilterValues:
			bad(field, "must hold at most "+strconv.Itoa(MaxFilterValues)+" values")
		case slices.ContainsFunc(values, func(v string) bool { return strings.TrimSpace(v) == "" }):
			bad(field, "must not hold an empty value")
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
	if q.After != nil {
		after, ok := parseCursor(*q.After)
		switch {
		case !ok:
			bad("after", "must be the page.next of an earlier page")
		case q.Skip != nil:
			bad("after", "cannot be combined with skip")
		default:
			lq.After = &after
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
