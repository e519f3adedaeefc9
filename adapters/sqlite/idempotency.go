package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// A keyed write looks its key up in idempotency_keys first, in its own
// transaction, and records it there with its result before committing:
// the write and its key land together or not at all, and a copy of the
// write sent at the same time waits for the write lock, then finds the key.

// resultJSON is a keyed write's result as idempotency_keys stores it: the
// customer it left, without the password hash.
type resultJSON struct {
	ID        string        `json:"id"`
	Email     string        `json:"email"`
	FirstName string        `json:"firstName"`
	LastName  string        `json:"lastName"`
	Status    string        `json:"status"`
	Tags      []string      `json:"tags"`
	Addresses []addressJSON `json:"addresses"`
	Version   int64         `json:"version"`
	CreatedAt int64         `json:"createdAt"`
	UpdatedAt int64         `json:"updatedAt"`
}

// replay returns the result of the write key made before (done), or
// ErrIdempotencyKeyReused; not done when key is new, or none.
func replay(ctx context.Context, tx session, key application.IdempotencyKey) (result *domain.Customer, done bool, err error) {
	if !key.Set() {
		return nil, false, nil
	}
	var (
		fingerprint string
		at          int64
		stored      sql.NullString
	)
	err = tx.queryRow(ctx, selectKey, key.Scope).Scan(&fingerprint, &at, &stored)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	seen, err := key.Matches(fingerprint, fromMillis(at))
	if err != nil || !seen || !stored.Valid {
		return nil, seen || err != nil, err
	}
	var r resultJSON
	if err := json.Unmarshal([]byte(stored.String), &r); err != nil {
		return nil, true, err
	}
	return domain.RestoreCustomer(domain.CustomerSnapshot{
		ID: r.ID, Email: r.Email, FirstName: r.FirstName, LastName: r.LastName, Status: r.Status,
		Tags: r.Tags, Addresses: addressesFromJSON(r.Addresses), Version: r.Version,
		CreatedAt: fromMillis(r.CreatedAt), UpdatedAt: fromMillis(r.UpdatedAt),
	}), true, nil
}

// remember records key with the result of its write (nil for a removal),
// and forgets a few keys older than the window, so that the table holds
// about a window's worth of keyed writes.
func remember(ctx context.Context, tx session, key application.IdempotencyKey, result *domain.Customer) error {
	if !key.Set() {
		return nil
	}
	var stored sql.NullString
	if result != nil {
		s := result.Snapshot()
		stored.String, stored.Valid = mustJSON(resultJSON{
			ID: s.ID, Email: s.Email, FirstName: s.FirstName, LastName: s.LastName, Status: s.Status,
			Tags: s.Tags, Addresses: addressesToJSON(s.Addresses), Version: s.Version,
			CreatedAt: s.CreatedAt.UnixMilli(), UpdatedAt: s.UpdatedAt.UnixMilli(),
		}), true
	}
	if _, err := tx.exec(ctx, forgetOldKeys, key.At.Add(-application.IdempotencyWindow).UnixMilli()); err != nil {
		return err
	}
	_, err := tx.exec(ctx, saveKey, key.Scope, key.Fingerprint, key.At.UnixMilli(), stored)
	return err
}
