package memory

import (
	"context"
	"time"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// Claim picks, among the customers with events that nobody holds, the one
// whose oldest event waits longest.
func (r *Repository) Claim(ctx context.Context, owner string, now time.Time, lease time.Duration) (string, bool, error) {
	if err := ctx.Err(); err != nil {
		return "", false, application.ErrUnavailable
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var pick *record
	for _, rec := range r.records {
		if len(rec.outbox) == 0 || (rec.leaseOwner != "" && rec.leaseUntil.After(now)) {
			continue
		}
		if pick == nil || rec.outbox[0].At.Before(pick.outbox[0].At) {
			pick = rec
		}
	}
	if pick == nil {
		return "", false, nil
	}
	pick.leaseOwner, pick.leaseUntil = owner, now.Add(lease)
	return pick.customer.ID, true, nil
}

func (r *Repository) Pending(ctx context.Context, customerID string) ([]application.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, application.ErrUnavailable
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	rec, ok := r.records[customerID]
	if !ok {
		return nil, nil
	}
	return application.QueuedEvents(domain.RestoreCustomer(rec.customer), rec.outbox)
}

func (r *Repository) Ack(ctx context.Context, customerID, owner, eventID string, renewUntil time.Time) error {
	if err := ctx.Err(); err != nil {
		return application.ErrUnavailable
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, ok := r.records[customerID]
	if !ok || rec.leaseOwner != owner || len(rec.outbox) == 0 || rec.outbox[0].ID != eventID {
		return application.ErrLeaseLost
	}
	rec.outbox = rec.outbox[1:]
	rec.leaseUntil = renewUntil
	return nil
}

func (r *Repository) Release(ctx context.Context, customerID, owner string) error {
	if err := ctx.Err(); err != nil {
		return application.ErrUnavailable
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, ok := r.records[customerID]
	if !ok || rec.leaseOwner != owner {
		return nil
	}
	rec.leaseOwner, rec.leaseUntil = "", time.Time{}
	if rec.removed && len(rec.outbox) == 0 {
		delete(r.records, customerID)
	}
	return nil
}

func (r *Repository) Backlog(ctx context.Context) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, application.ErrUnavailable
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	var n int64
	for _, rec := range r.records {
		if len(rec.outbox) > 0 {
			n++
		}
	}
	return n, nil
}
