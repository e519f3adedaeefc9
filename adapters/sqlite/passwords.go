package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// A customer's failed sign-ins and its reset token are rows of their own
// (login_attempts, password_tokens), keyed by the customer, written in the
// transactions that read them: under the write lock, which every process
// on the file shares, an attempt counted, a token used up and the hash
// set are each one step nobody can interleave.

const (
	attemptsColumns = `coalesce(failures, 0), coalesce(since, 0), coalesce(locked_until, 0)`
	selectAttempts  = `SELECT ` + attemptsColumns + ` FROM customers LEFT JOIN login_attempts ON customer_id = id WHERE id = ? AND removed = 0`
	readAttempts    = `SELECT failures, since, locked_until FROM login_attempts WHERE customer_id = ?`
	saveAttempts    = `INSERT INTO login_attempts (customer_id, failures, since, locked_until) VALUES (?, ?, ?, ?)
		ON CONFLICT (customer_id) DO UPDATE SET failures = excluded.failures, since = excluded.since, locked_until = excluded.locked_until`
	clearAttempts  = `DELETE FROM login_attempts WHERE customer_id = ?`
	rehashPassword = `UPDATE customers SET password = ? WHERE id = ? AND password = ? AND removed = 0`
	setPassword    = `UPDATE customers SET password = ?, version = ?, updated_at = ? WHERE id = ?`
	saveToken      = `INSERT INTO password_tokens (customer_id, hash, expires_at) SELECT id, ?, ? FROM customers WHERE id = ? AND removed = 0
		ON CONFLICT (customer_id) DO UPDATE SET hash = excluded.hash, expires_at = excluded.expires_at`
	forgetToken     = `DELETE FROM password_tokens WHERE customer_id = ?`
	tokenJoin       = ` FROM customers JOIN password_tokens ON customer_id = id WHERE hash = ? AND expires_at > ? AND removed = 0`
	selectTokenUser = `SELECT ` + customerColumns + tokenJoin
	selectTokenID   = `SELECT id` + tokenJoin
)

var (
	passwordWriteStatements = []string{selectAttempts, saveAttempts, clearAttempts, rehashPassword, setPassword, saveToken, forgetToken, selectTokenID}
	passwordReadStatements  = []string{readAttempts, selectTokenUser, selectKey}
)

// attemptsRow is a customer's row of login_attempts, zero for none.
type attemptsRow struct{ failures, since, lockedUntil int64 }

func (a attemptsRow) toDomain() domain.LoginAttempts {
	if a.failures == 0 {
		return domain.LoginAttempts{}
	}
	out := domain.LoginAttempts{Failures: int(a.failures), Since: fromMillis(a.since)}
	if a.lockedUntil != 0 {
		out.LockedUntil = fromMillis(a.lockedUntil)
	}
	return out
}

func (s *Store) LoginAttempts(ctx context.Context, id string) (domain.LoginAttempts, error) {
	var a attemptsRow
	err := s.reader().queryRow(ctx, readAttempts, id).Scan(&a.failures, &a.since, &a.lockedUntil)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.LoginAttempts{}, nil
	}
	return a.toDomain(), translate(err, "")
}

func (s *Store) CountLoginAttempt(ctx context.Context, id string, rule domain.LockoutRule, now time.Time) (domain.LoginAttempts, bool, error) {
	var (
		out     domain.LoginAttempts
		counted bool
	)
	err := s.inWriteTx(ctx, func(tx session) error {
		var a attemptsRow
		err := tx.queryRow(ctx, selectAttempts, id).Scan(&a.failures, &a.since, &a.lockedUntil)
		if errors.Is(err, sql.ErrNoRows) {
			return &domain.CustomerNotFoundError{ID: id}
		}
		if err != nil {
			return err
		}
		out = a.toDomain()
		if _, locked := out.LockedOut(now); locked {
			return nil
		}
		out, counted = rule.Fail(out, now), true
		var lockedUntil int64
		if !out.LockedUntil.IsZero() {
			lockedUntil = out.LockedUntil.UnixMilli()
		}
		_, err = tx.exec(ctx, saveAttempts, id, out.Failures, out.Since.UnixMilli(), lockedUntil)
		return err
	})
	if err != nil {
		return domain.LoginAttempts{}, false, translate(err, "")
	}
	return out, counted, nil
}

func (s *Store) ClearLoginAttempts(ctx context.Context, id string) error {
	return translate(s.inWriteTx(ctx, func(tx session) error {
		_, err := tx.exec(ctx, clearAttempts, id)
		return err
	}), "")
}

func (s *Store) Rehash(ctx context.Context, id string, old, new domain.PasswordHash) (bool, error) {
	var done bool
	err := s.inWriteTx(ctx, func(tx session) error {
		n, err := tx.affected(ctx, rehashPassword, string(new), id, string(old))
		done = n == 1
		return err
	})
	return done, translate(err, "")
}

func (s *Store) SetPassword(ctx context.Context, id string, key application.IdempotencyKey, change func(*domain.Customer) (application.NewEvent, error)) (*domain.Customer, error) {
	out, err := s.keyedWrite(ctx, key, func(tx session) (*domain.Customer, error) {
		return s.setPassword(ctx, tx, id, key, change)
	})
	return out, translate(err, "")
}

func (s *Store) ResetPassword(ctx context.Context, tokenHash string, now time.Time, key application.IdempotencyKey, change func(*domain.Customer) (application.NewEvent, error)) (*domain.Customer, error) {
	out, err := s.keyedWrite(ctx, key, func(tx session) (*domain.Customer, error) {
		var id string
		err := tx.queryRow(ctx, selectTokenID, tokenHash, now.UnixMilli()).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, domain.ErrPasswordTokenInvalid
		}
		if err != nil {
			return nil, err
		}
		return s.setPassword(ctx, tx, id, key, change)
	})
	return out, translate(err, "")
}

// setPassword stores what change does to the customer, which sets its
// password, with its event and key, and forgets its token and its failed
// sign-ins, in tx.
func (s *Store) setPassword(ctx context.Context, tx session, id string, key application.IdempotencyKey, change func(*domain.Customer) (application.NewEvent, error)) (*domain.Customer, error) {
	return s.writeChange(ctx, tx, id, key, change, func(c *domain.Customer, _ []string) error {
		r := toRow(c)
		if _, err := tx.exec(ctx, setPassword, r.password, r.version, r.updatedAt, id); err != nil {
			return err
		}
		for _, q := range []string{forgetToken, clearAttempts} {
			if _, err := tx.exec(ctx, q, id); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) SavePasswordToken(ctx context.Context, id string, t domain.PasswordToken) error {
	err := s.inWriteTx(ctx, func(tx session) error {
		n, err := tx.affected(ctx, saveToken, t.Hash, t.ExpiresAt.UnixMilli(), id)
		if err == nil && n == 0 {
			err = &domain.CustomerNotFoundError{ID: id}
		}
		return err
	})
	return translate(err, "")
}

func (s *Store) FindPasswordToken(ctx context.Context, tokenHash string, now time.Time) (*domain.Customer, error) {
	c, err := scanRow(s.reader().queryRow(ctx, selectTokenUser, tokenHash, now.UnixMilli()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.ErrPasswordTokenInvalid
	}
	return c, translate(err, "")
}

func (s *Store) Replay(ctx context.Context, key application.IdempotencyKey) (*domain.Customer, bool, error) {
	first, done, err := replay(ctx, s.reader(), key)
	return first, done, translate(err, "")
}
