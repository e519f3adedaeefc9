package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/microbase-io/customer-service/adapters/internal/compressed"
	"github.com/microbase-io/customer-service/adapters/jsonview"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// A keyed write looks its key up in idempotency_keys first, in its own
// transaction, and records it there with its result before committing:
// the write and its key land together or not at all, and a copy of the
// write sent at the same time waits for the write lock, then finds the key.
//
// What a subject's records count is kept beside them (idempotency_subjects,
// by triggers), so the limit is checked exactly, in the write's own
// transaction: a write that would go beyond it rolls back whole.

// A keyed write's result is kept as its answer's customer (jsonview,
// compressed), so that a copy gets back the first answer.

// replay returns the result of the write key made before (done), or
// ErrIdempotencyKeyReused; not done when key is new, or none.
func replay(ctx context.Context, tx session, key application.IdempotencyKey) (result *domain.Customer, done bool, err error) {
	if !key.Set() {
		return nil, false, nil
	}
	var (
		fingerprint string
		at          int64
		packed      []byte
	)
	err = tx.queryRow(ctx, selectKey, key.Scope).Scan(&fingerprint, &at, &packed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	seen, err := key.Matches(fingerprint, fromMillis(at))
	if err != nil || !seen || packed == nil {
		return nil, seen || err != nil, err
	}
	b, err := compressed.Unpack(packed)
	if err != nil {
		return nil, true, err
	}
	var answer jsonview.Customer
	if err := json.Unmarshal(b, &answer); err != nil {
		return nil, true, err
	}
	return answer.ToDomain(), true, nil
}

// remember records key with the result of its write (nil for a removal),
// within its subject's limit, and forgets a few keys older than the
// window, so that the table holds about a window's worth of keyed writes.
// Beyond the limit, once the subject's own expired records are gone, it
// refuses (application.KeyRecordsFull) and the transaction rolls back.
func (s *Store) remember(ctx context.Context, tx session, key application.IdempotencyKey, result *domain.Customer) error {
	if !key.Set() {
		return nil
	}
	var packed []byte
	if result != nil {
		packed = compressed.Pack([]byte(mustJSON(jsonview.FromCustomer(result))))
	}
	bytes := application.KeyRecordBytes(packed)
	expired := key.At.Add(-application.IdempotencyWindow).UnixMilli()
	// The key's own record, if any, is one replay found out of the window.
	if _, err := tx.exec(ctx, forgetOldKeys, expired); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, forgetKey, key.Scope); err != nil {
		return err
	}
	kept, err := s.roomFor(ctx, tx, key, bytes, expired)
	if err != nil {
		return err
	}
	if limit := s.keyLimits.MaxBytesPerSubject; kept+bytes > limit {
		return keyRecordsFull(ctx, tx, key, kept+bytes-limit, expired)
	}
	_, err = tx.exec(ctx, saveKey, key.Scope, key.Subject, key.Fingerprint, key.At.UnixMilli(), bytes, packed)
	return err
}

// roomFor returns what the subject's records count, having forgotten as
// many of its expired ones as a record of bytes needs room from.
func (s *Store) roomFor(ctx context.Context, tx session, key application.IdempotencyKey, bytes, expired int64) (int64, error) {
	for {
		var kept int64
		if err := tx.queryRow(ctx, subjectKept, key.Subject).Scan(&kept); err != nil {
			return 0, err
		}
		if kept+bytes <= s.keyLimits.MaxBytesPerSubject {
			return kept, nil
		}
		if n, err := tx.affected(ctx, forgetOwnOld, key.Subject, expired); n == 0 || err != nil {
			return kept, err
		}
	}
}

// keyRecordsFull is the refusal of key's write, which needs need bytes
// more than its subject has room for: busy until enough of the subject's
// records, oldest first, have left the window.
func keyRecordsFull(ctx context.Context, tx session, key application.IdempotencyKey, need, expired int64) error {
	rows, err := tx.query(ctx, subjectRecords, key.Subject, expired)
	if err != nil {
		return err
	}
	defer rows.Close()
	var readErr error
	full := application.KeyRecordsFull(key.At, need, func(yield func(time.Time, int64) bool) {
		for rows.Next() {
			var at, n int64
			if readErr = rows.Scan(&at, &n); readErr != nil || !yield(fromMillis(at), n) {
				return
			}
		}
		readErr = rows.Err()
	})
	return cmp.Or(readErr, full)
}
