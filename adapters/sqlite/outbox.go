package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/microbase-io/customer-service/adapters/jsonview"
	"github.com/microbase-io/customer-service/application"
)

// The outbox is two tables written in the same transaction as the change
// they announce: outbox holds the events, each keyed by its customer and
// the version its write produced, and outbox_customers the customers that
// have some, with the lease of the relay publishing them. Every write adds one event and one version, and
// only a customer's oldest event leaves, so a customer's queue is its
// latest writes (see application.QueuedEvents).

// recordEvent queues ev, the event of the write that brought the customer
// to version, in the caller's transaction, within the store's limits: no
// event when the outbox is off, ErrEventBacklogFull (and so no write) when
// the customer's events reached the cap.
func (s *Store) recordEvent(ctx context.Context, tx session, customerID string, version int64, ev application.NewEvent) error {
	if s.limits.Off {
		return nil
	}
	waiting, err := eventsWaiting(ctx, tx, customerID)
	if err != nil {
		return err
	}
	if waiting >= s.limits.MaxPerCustomer {
		return application.ErrEventBacklogFull
	}
	args, err := jsonview.EventArgs(ev.Args)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, insertEvent,
		customerID, version, ev.ID, string(ev.Type()), ev.At.UnixMilli(), string(args)); err != nil {
		return err
	}
	_, err = tx.exec(ctx, markPending, customerID)
	return err
}

func eventsWaiting(ctx context.Context, tx session, customerID string) (int, error) {
	var n int
	err := tx.queryRow(ctx, countEvents, customerID).Scan(&n)
	return n, err
}

func (s *Store) Claim(ctx context.Context, owner string, now time.Time, lease time.Duration) (string, bool, error) {
	var id string
	err := s.inWriteTx(ctx, func(tx session) error {
		return tx.queryRow(ctx, claimCustomer,
			owner, now.Add(lease).UnixMilli(), now.UnixMilli()).Scan(&id)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, translate(err, "")
	}
	return id, true, nil
}

// Pending reads the customer and its events in one read transaction, so
// they agree; a tombstone is read too, for the events before its REMOVE.
func (s *Store) Pending(ctx context.Context, customerID string) ([]application.Event, error) {
	rtx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, translate(err, "")
	}
	defer rtx.Rollback()
	tx := session{cache: s.readStmt, tx: rtx}
	c, err := scanRow(tx.queryRow(ctx, selectAnyState, customerID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err, "")
	}
	var queue []application.Event
	for row := range rowsOf(tx.query(ctx, selectEvents, customerID)) {
		var (
			ev   application.Event
			typ  string
			at   int64
			args string
		)
		if err := row.Scan(&ev.ID, &typ, &at, &args); err != nil {
			return nil, translate(err, "")
		}
		ev.Type, ev.OccurredAt, ev.Args = application.EventType(typ), fromMillis(at), []byte(args)
		queue = append(queue, ev)
	}
	return application.QueuedEvents(c, queue), nil
}

func (s *Store) Ack(ctx context.Context, customerID, owner, eventID string, renewUntil time.Time) error {
	err := s.inWriteTx(ctx, func(tx session) error {
		switch n, err := tx.affected(ctx, ackEvent, customerID, owner, eventID); {
		case err != nil:
			return err
		case n == 0:
			return application.ErrLeaseLost
		}
		_, err := tx.exec(ctx, renewLease, renewUntil.UnixMilli(), customerID)
		return err
	})
	return translate(err, "")
}

// Release ends the lease; when no event is left, the customer leaves
// outbox_customers and a tombstone is deleted for good. It is one
// transaction, so an event written meanwhile keeps the customer waiting.
func (s *Store) Release(ctx context.Context, customerID, owner string) error {
	err := s.inWriteTx(ctx, func(tx session) error {
		var left bool
		if err := tx.queryRow(ctx, anyEventLeft, customerID).Scan(&left); err != nil {
			return err
		}
		if left {
			_, err := tx.exec(ctx, endLease, customerID, owner)
			return err
		}
		if n, err := tx.affected(ctx, dropPending, customerID, owner); err != nil || n == 0 {
			return err // not the holder: nothing of it is ours to end
		}
		_, err := tx.exec(ctx, deleteTombstone, customerID)
		return err
	})
	return translate(err, "")
}

func (s *Store) Backlog(ctx context.Context) (int64, error) {
	var n int64
	err := s.reader().queryRow(ctx, countPending).Scan(&n)
	return n, translate(err, "")
}
