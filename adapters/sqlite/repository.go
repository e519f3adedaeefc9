package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// inWriteTx runs fn in one transaction holding the write lock and commits
// it when fn returns nil. A transaction that fails leaves nothing written,
// and the caller hears so: a context that ends before the commit rolls it
// back, as does a statement that fails; a COMMIT that fails (a full disk
// fails it) and leaves SQLite's transaction open is rolled back by the
// driver (modernc.org/sqlite tx.Commit), which the store's tests hold it
// to. A transaction is never committed into a WAL that lost its name.
func (s *Store) inWriteTx(ctx context.Context, fn func(tx session) error) error {
	if lost := s.lost.Load(); lost != nil {
		return *lost
	}
	err := s.writeTx(ctx, fn)
	s.noteWrite(err)
	return err
}

func (s *Store) writeTx(ctx context.Context, fn func(tx session) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(session{cache: s.writeStmt, tx: tx}); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := s.files.walLinked(); err != nil {
		_ = tx.Rollback()
		if filesChanged(err) {
			return s.lose(err)
		}
		return err
	}
	return tx.Commit()
}

func (s *Store) Create(ctx context.Context, c *domain.Customer, ev application.NewEvent, key application.IdempotencyKey) (*domain.Customer, error) {
	r := toRow(c)
	out, err := s.keyedWrite(ctx, key, func(tx session) (*domain.Customer, error) {
		if _, err := tx.exec(ctx, insertCustomer,
			r.id, r.email, r.password, r.firstName, r.lastName, r.status, r.tags, r.addresses, r.version, r.createdAt, r.updatedAt); err != nil {
			return nil, err
		}
		if err := indexTags(ctx, tx, c.ID(), r.createdAt, nil, c.Snapshot().Tags); err != nil {
			return nil, err
		}
		if err := s.recordEvent(ctx, tx, c.ID(), c.Version(), ev); err != nil {
			return nil, err
		}
		return c, s.remember(ctx, tx, key, c)
	})
	return out, translate(err, r.email)
}

// keyedWrite runs write in one write transaction (inWriteTx), unless
// key's write was made before: then the result is that write's (see
// replay). A write that fails returns no customer.
func (s *Store) keyedWrite(ctx context.Context, key application.IdempotencyKey, write func(tx session) (*domain.Customer, error)) (*domain.Customer, error) {
	var out *domain.Customer
	err := s.inWriteTx(ctx, func(tx session) error {
		first, done, err := replay(ctx, tx, key)
		if !done {
			first, err = write(tx)
		}
		out = first
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) Get(ctx context.Context, id string) (*domain.Customer, error) {
	c, err := getCustomer(ctx, s.reader(), id)
	return c, translate(err, "")
}

func (s *Store) FindByEmail(ctx context.Context, email string) (*domain.Customer, error) {
	c, err := scanRow(s.reader().queryRow(ctx, selectByEmail, email))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &domain.CustomerNotFoundError{}
	}
	return c, translate(err, "")
}

func getCustomer(ctx context.Context, q session, id string) (*domain.Customer, error) {
	c, err := scanRow(q.queryRow(ctx, selectCustomer, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &domain.CustomerNotFoundError{ID: id}
	}
	return c, err
}

func (s *Store) Patch(ctx context.Context, id string, patch domain.CustomerPatch, expectedVersion *int64, now time.Time, ev application.NewEvent, key application.IdempotencyKey) (*domain.Customer, error) {
	return s.Update(ctx, id, key, application.PatchAsChange(patch, expectedVersion, now, ev))
}

// Update reads the customer, lets change decide, and writes the result
// with its event, all under the write lock: nobody can write the customer
// in between, so no retry is ever needed. A change that changes nothing
// writes nothing.
func (s *Store) Update(ctx context.Context, id string, key application.IdempotencyKey, change func(*domain.Customer) (application.NewEvent, error)) (*domain.Customer, error) {
	var email string
	out, err := s.keyedWrite(ctx, key, func(tx session) (*domain.Customer, error) {
		return s.writeChange(ctx, tx, id, key, change, func(c *domain.Customer, oldTags []string) error {
			r := toRow(c)
			email = r.email
			if _, err := tx.exec(ctx, updateCustomer,
				r.email, r.firstName, r.lastName, r.status, r.tags, r.addresses, r.version, r.updatedAt, id); err != nil {
				return err
			}
			return indexTags(ctx, tx, id, r.createdAt, oldTags, c.Snapshot().Tags)
		})
	})
	return out, translate(err, email)
}

// writeChange reads the customer, lets change decide, and stores what
// it decided with store (given the customer's tags before), its event
// and key, in tx. A change that changes nothing writes nothing.
func (s *Store) writeChange(ctx context.Context, tx session, id string, key application.IdempotencyKey,
	change func(*domain.Customer) (application.NewEvent, error), store func(c *domain.Customer, oldTags []string) error) (*domain.Customer, error) {
	c, err := getCustomer(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	oldTags, read := c.Snapshot().Tags, c.Version()
	ev, err := change(c)
	if err != nil || c.Version() == read {
		return c, err
	}
	if err := store(c, oldTags); err != nil {
		return nil, err
	}
	if err := s.recordEvent(ctx, tx, id, c.Version(), ev); err != nil {
		return nil, err
	}
	return c, s.remember(ctx, tx, key, c)
}

// Delete leaves a tombstone while the customer has events to publish
// (see Release), and deletes it at once otherwise: either way its email
// is free and no read finds it from now on.
func (s *Store) Delete(ctx context.Context, id string, ev application.NewEvent, key application.IdempotencyKey) error {
	_, err := s.keyedWrite(ctx, key, func(tx session) (*domain.Customer, error) {
		c, err := getCustomer(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if err := indexTags(ctx, tx, id, c.Snapshot().CreatedAt.UnixMilli(), c.Snapshot().Tags, nil); err != nil {
			return nil, err
		}
		if s.limits.Off {
			gone, err := deleteUnlessEventsWait(ctx, tx, id)
			if err != nil {
				return nil, err
			}
			if gone {
				return nil, s.remember(ctx, tx, key, nil)
			}
		}
		if _, err := tx.exec(ctx, removeCustomer, ev.At.UnixMilli(), id); err != nil {
			return nil, err
		}
		if err := s.recordEvent(ctx, tx, id, c.Version()+1, ev); err != nil {
			return nil, err
		}
		return nil, s.remember(ctx, tx, key, nil)
	})
	return translate(err, "")
}

// deleteUnlessEventsWait deletes the customer with no tombstone, unless
// events recorded before the outbox was turned off wait for it.
func deleteUnlessEventsWait(ctx context.Context, tx session, id string) (bool, error) {
	waiting, err := eventsWaiting(ctx, tx, id)
	if err != nil || waiting > 0 {
		return false, err
	}
	_, err = tx.exec(ctx, deleteCustomer, id)
	return err == nil, err
}

// indexTags brings the customer's rows of customer_tags from oldTags to
// newTags.
func indexTags(ctx context.Context, tx session, id string, createdAt int64, oldTags, newTags []string) error {
	for _, tag := range oldTags {
		if !slices.Contains(newTags, tag) {
			if _, err := tx.exec(ctx, deleteTag, tag, createdAt, id); err != nil {
				return err
			}
		}
	}
	for _, tag := range newTags {
		if !slices.Contains(oldTags, tag) {
			if _, err := tx.exec(ctx, insertTag, tag, createdAt, id); err != nil {
				return err
			}
		}
	}
	return nil
}
