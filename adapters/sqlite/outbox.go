package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/microbase-io/customer-service/application"
)

// The outbox is two tables written in the same transaction as the change
// they announce: outbox holds the events, oldest first by seq, and
// outbox_customers the customers that have some, with the lease of the
// relay publishing them. Every write adds one event and one version, and
// only a customer's oldest event leaves, so a customer's queue is its
// latest writes (see application.QueuedEvents).

// recordEvent queues ev for the customer, in the caller's transaction.
func recordEvent(ctx context.Context, tx *sql.Tx, customerID string, ev application.NewEvent) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (customer_id, event_id, type, at, args) VALUES (?, ?, ?, ?, ?)`,
		customerID, ev.ID, string(ev.Type), ev.At.UnixMilli(), string(ev.Args)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox_customers (customer_id) VALUES (?) ON CONFLICT DO NOTHING`, customerID)
	return err
}

func (s *Store) Claim(ctx context.Context, owner string, now time.Time, lease time.Duration) (string, bool, error) {
	var id string
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `UPDATE outbox_customers SET lease_owner = ?, lease_until = ?
			WHERE customer_id = (SELECT customer_id FROM outbox_customers
				WHERE lease_until IS NULL OR lease_until < ? ORDER BY rowid LIMIT 1)
			RETURNING customer_id`,
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
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, translate(err, "")
	}
	defer tx.Rollback()
	c, err := scanRow(tx.QueryRowContext(ctx, `SELECT `+customerColumns+` FROM customers WHERE id = ?`, customerID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err, "")
	}
	rows, err := tx.QueryContext(ctx, `SELECT event_id, type, at, args FROM outbox WHERE customer_id = ? ORDER BY seq`, customerID)
	if err != nil {
		return nil, translate(err, "")
	}
	defer rows.Close()
	var queue []application.NewEvent
	for rows.Next() {
		var (
			ev   application.NewEvent
			typ  string
			at   int64
			args string
		)
		if err := rows.Scan(&ev.ID, &typ, &at, &args); err != nil {
			return nil, translate(err, "")
		}
		ev.Type, ev.At, ev.Args = application.EventType(typ), fromMillis(at), []byte(args)
		queue = append(queue, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err, "")
	}
	return application.QueuedEvents(c, queue)
}

func (s *Store) Ack(ctx context.Context, customerID, owner, eventID string, renewUntil time.Time) error {
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE seq = (
				SELECT o.seq FROM outbox o JOIN outbox_customers l ON l.customer_id = o.customer_id
				WHERE o.customer_id = ? AND l.lease_owner = ? ORDER BY o.seq LIMIT 1)
			AND event_id = ?`, customerID, owner, eventID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return application.ErrLeaseLost
		}
		_, err = tx.ExecContext(ctx, `UPDATE outbox_customers SET lease_until = ? WHERE customer_id = ?`,
			renewUntil.UnixMilli(), customerID)
		return err
	})
	return translate(err, "")
}

// Release ends the lease; when no event is left, the customer leaves
// outbox_customers and a tombstone is deleted for good. It is one
// transaction, so an event written meanwhile keeps the customer waiting.
func (s *Store) Release(ctx context.Context, customerID, owner string) error {
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		var left bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM outbox WHERE customer_id = ?)`, customerID).Scan(&left); err != nil {
			return err
		}
		if left {
			_, err := tx.ExecContext(ctx, `UPDATE outbox_customers SET lease_owner = NULL, lease_until = NULL
				WHERE customer_id = ? AND lease_owner = ?`, customerID, owner)
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM outbox_customers WHERE customer_id = ? AND lease_owner = ?`, customerID, owner)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // not the holder: nothing of it is ours to end
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM customers WHERE id = ? AND removed = 1`, customerID)
		return err
	})
	return translate(err, "")
}

func (s *Store) Backlog(ctx context.Context) (int64, error) {
	var n int64
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM outbox_customers`).Scan(&n)
	return n, translate(err, "")
}
