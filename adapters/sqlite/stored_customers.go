package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// What a migration reads and writes: every customer with its tombstone
// flag, its waiting events and its receipt, in the store's own rows.

var _ application.MigrationTarget = (*Store)(nil)

// storedPage is how many customers one read transaction of EachStored
// takes: short transactions keep the WAL from growing under a long walk,
// and the page bounds what it holds (64 of the largest customers are a
// few tens of megabytes).
const storedPage = 64

// The statements of puts and removals are among the write pool's
// prepared ones (statements.go); those of walks, one per page, are not.
var (
	storedColumns   = customerColumns + `, removed, coalesce(received_from, ''), coalesce(received_version, 0)`
	selectStored    = `SELECT ` + storedColumns + ` FROM customers WHERE id > ? ORDER BY id LIMIT ?`
	selectOneStored = `SELECT ` + storedColumns + ` FROM customers WHERE id = ?`
	customerExists  = `SELECT EXISTS (SELECT 1 FROM customers WHERE id = ?)`
	selectWaiting   = `SELECT customer_id, event_id, type, at, args FROM outbox WHERE customer_id > ? AND customer_id <= ? ORDER BY customer_id, version`
	putCustomer     = `INSERT INTO customers (` + customerColumns + `, removed, received_from, received_version) VALUES (` +
		placeholders(strings.Count(customerColumns, ",")+4) + `) ON CONFLICT (id) DO UPDATE SET ` + assignExcluded(customerColumns+`, removed, received_from, received_version`)
	dropCustomer = `DELETE FROM customers WHERE id = ?`
	dropEvents   = `DELETE FROM outbox WHERE customer_id = ?`
	dropWaiting  = `DELETE FROM outbox_customers WHERE customer_id = ?`
	savepoint    = `SAVEPOINT put`
	undoPut      = `ROLLBACK TO put`
	releasePut   = `RELEASE put`
)

// assignExcluded sets every column but the id from the row an upsert
// could not insert.
func assignExcluded(columns string) string {
	var set []string
	for c := range strings.SplitSeq(columns, ", ") {
		if c != "id" {
			set = append(set, c+" = excluded."+c)
		}
	}
	return strings.Join(set, ", ")
}

// withStoredColumns scans the columns a stored customer adds to a
// customer's into the extra destinations.
type withStoredColumns struct {
	sc    scanner
	extra []any
}

func (w withStoredColumns) Scan(dest ...any) error { return w.sc.Scan(append(dest, w.extra...)...) }

// scanStored reads a row of storedColumns.
func scanStored(sc scanner) (application.StoredCustomer, error) {
	var s application.StoredCustomer
	var err error
	s.Customer, err = scanRow(withStoredColumns{sc: sc, extra: []any{&s.Removed, &s.Received.Source, &s.Received.Version}})
	return s, err
}

func (s *Store) EachStored(ctx context.Context, each func(application.StoredCustomer) error) error {
	return eachStored(ctx, s.read, selectStored, each)
}

func (s *Store) CountStored(ctx context.Context) (int64, error) {
	return countStored(ctx, s.read)
}

// eachStored walks the customers by id, a page per read transaction, so
// that each customer and its events are read together.
func eachStored(ctx context.Context, db *sql.DB, query string, each func(application.StoredCustomer) error) error {
	after := ""
	for {
		page, last, err := storedAfter(ctx, db, query, after)
		if err != nil {
			return translate(err, "")
		}
		for _, c := range page {
			if err := each(c); err != nil {
				return err
			}
		}
		if last == "" {
			return nil
		}
		after = last
	}
}

// storedAfter reads the page of customers after the id after, with their
// events; last is the page's last id, "" when the walk is over. A
// tombstone with no event left is a customer gone: it is not handed on.
func storedAfter(ctx context.Context, db *sql.DB, query, after string) (page []application.StoredCustomer, last string, err error) {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	for row := range rowsOf(tx.QueryContext(ctx, query, after, storedPage)) {
		c, err := scanStored(row)
		if err != nil {
			return nil, "", err
		}
		page = append(page, c)
	}
	if len(page) == 0 {
		return nil, "", nil
	}
	last = page[len(page)-1].Customer.ID()
	events, err := waitingBetween(ctx, tx, after, last)
	if err != nil {
		return nil, "", err
	}
	kept := page[:0]
	for _, c := range page {
		c.Events = events[c.Customer.ID()]
		if !c.Removed || len(c.Events) > 0 {
			kept = append(kept, c)
		}
	}
	if len(page) < storedPage {
		last = ""
	}
	return kept, last, nil
}

// waitingBetween reads the events of the customers whose ids are after
// from and up to to, each customer's oldest first.
func waitingBetween(ctx context.Context, tx *sql.Tx, from, to string) (map[string][]application.StoredEvent, error) {
	events := map[string][]application.StoredEvent{}
	for row := range rowsOf(tx.QueryContext(ctx, selectWaiting, from, to)) {
		var (
			id, typ, args string
			at            int64
			ev            application.StoredEvent
		)
		if err := row.Scan(&id, &ev.ID, &typ, &at, &args); err != nil {
			return nil, err
		}
		ev.Type, ev.At, ev.Args = application.EventType(typ), fromMillis(at), []byte(args)
		events[id] = append(events[id], ev)
	}
	return events, nil
}

func countStored(ctx context.Context, db *sql.DB) (int64, error) {
	var n int64
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM customers`).Scan(&n)
	return n, translate(err, "")
}

// PutStored writes the puts in one transaction, each in a savepoint of
// its own: a put refused (its copy changed, its email taken) is undone
// alone, and the others land.
func (s *Store) PutStored(ctx context.Context, source string, puts []application.MigrationPut) ([]error, error) {
	errs := make([]error, len(puts))
	err := s.inWriteTx(ctx, func(tx session) error {
		for i, p := range puts {
			var err error
			if errs[i], err = putInSavepoint(ctx, tx, source, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, translate(err, "")
	}
	return errs, nil
}

// putInSavepoint returns the put's refusal, or the error that fails the
// whole transaction.
func putInSavepoint(ctx context.Context, tx session, source string, p application.MigrationPut) (refused, err error) {
	if _, err := tx.exec(ctx, savepoint); err != nil {
		return nil, err
	}
	refused = translate(putStored(ctx, tx, source, p), p.Stored.Customer.Email())
	var dup *domain.DuplicateEmailError
	if refused != nil && !errors.Is(refused, application.ErrTargetChanged) && !errors.As(refused, &dup) {
		return nil, refused
	}
	if refused != nil {
		if _, err := tx.exec(ctx, undoPut); err != nil {
			return nil, err
		}
	}
	_, err = tx.exec(ctx, releasePut)
	return refused, err
}

// putStored replaces the customer's row, its tags' rows and its events
// with the stored ones, if its row is as expected.
func putStored(ctx context.Context, tx session, source string, p application.MigrationPut) error {
	c := p.Stored.Customer
	if p.Expected == nil {
		var found bool
		if err := tx.queryRow(ctx, customerExists, c.ID()).Scan(&found); err != nil || found {
			return cmp.Or(err, application.ErrTargetChanged)
		}
	} else if err := replaceable(ctx, tx, c.ID(), func(current application.StoredCustomer) bool {
		return current.Customer.Version() == *p.Expected
	}); err != nil {
		return err
	}
	r := toRow(c)
	if _, err := tx.exec(ctx, putCustomer,
		r.id, r.email, r.password, r.firstName, r.lastName, r.status, r.tags, r.addresses, r.version, r.createdAt, r.updatedAt,
		p.Stored.Removed, source, r.version); err != nil {
		return err
	}
	if !p.Stored.Removed {
		if err := indexTags(ctx, tx, c.ID(), r.createdAt, nil, c.Snapshot().Tags); err != nil {
			return err
		}
	}
	events := p.Stored.Events
	for i, ev := range events {
		version := c.Version() - int64(len(events)-1-i)
		if _, err := tx.exec(ctx, insertEvent, c.ID(), version, ev.ID, string(ev.Type), ev.At.UnixMilli(), string(ev.Args)); err != nil {
			return err
		}
	}
	waiting := dropWaiting
	if len(events) > 0 {
		waiting = markPending
	}
	_, err := tx.exec(ctx, waiting, c.ID())
	return err
}

// replaceable removes the rows that go with the customer's copy, its
// tags' and its events, if expected says the copy, as the write
// transaction sees it (a tombstone's included), is the one expected.
func replaceable(ctx context.Context, tx session, id string, expected func(application.StoredCustomer) bool) error {
	current, err := scanStored(tx.queryRow(ctx, selectOneStored, id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return application.ErrTargetChanged
	case err != nil:
		return err
	case !expected(current):
		return application.ErrTargetChanged
	}
	if !current.Removed {
		if err := indexTags(ctx, tx, id, current.Customer.Snapshot().CreatedAt.UnixMilli(), current.Customer.Snapshot().Tags, nil); err != nil {
			return err
		}
	}
	_, err = tx.exec(ctx, dropEvents, id)
	return err
}

// RemoveStored deletes the customer's row, its tags' rows and its events.
func (s *Store) RemoveStored(ctx context.Context, source, id string, version int64) error {
	err := s.inWriteTx(ctx, func(tx session) error {
		if err := replaceable(ctx, tx, id, func(current application.StoredCustomer) bool {
			return current.Customer.Version() == version && current.From(source)
		}); err != nil {
			return err
		}
		for _, q := range []string{dropCustomer, dropWaiting} {
			if _, err := tx.exec(ctx, q, id); err != nil {
				return err
			}
		}
		return nil
	})
	return translate(err, "")
}
