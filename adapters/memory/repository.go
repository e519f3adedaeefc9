// Package memory is a CustomerRepository and Outbox held in process
// memory. It backs the application's unit tests and the HTTP benchmarks,
// and runs the same contract suite as the MongoDB adapter so that it
// cannot drift from it.
package memory

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// emailIndex is the name the MongoDB adapter gives its unique index; the
// fake reports the same so that answers are identical.
const emailIndex = "email_1"

// record is one stored customer with its unpublished events. A removed
// customer stays, invisible to reads, until its events are published.
type record struct {
	customer   domain.CustomerSnapshot
	outbox     []application.NewEvent
	removed    bool
	leaseOwner string
	leaseUntil time.Time
}

// Repository keeps snapshots, never live aggregates, so a caller holding a
// *domain.Customer cannot change stored state behind the repository's back.
type Repository struct {
	limits  application.OutboxLimits
	mu      sync.RWMutex
	records map[string]*record
	byEmail map[string]string
	keys    map[string]keyRecord // by IdempotencyKey.Scope
}

// keyRecord is a keyed write: its fingerprint, when, and its result.
type keyRecord struct {
	fingerprint string
	at          time.Time
	result      *domain.CustomerSnapshot
}

var (
	_ application.CustomerRepository = (*Repository)(nil)
	_ application.Outbox             = (*Repository)(nil)
)

// NewRepository returns an empty repository whose writes record their
// events within limits.
func NewRepository(limits application.OutboxLimits) *Repository {
	return &Repository{
		limits:  limits,
		records: make(map[string]*record),
		byEmail: make(map[string]string),
		keys:    make(map[string]keyRecord),
	}
}

// live returns the visible record with that id.
func (r *Repository) live(id string) (*record, bool) {
	rec, ok := r.records[id]
	if !ok || rec.removed {
		return nil, false
	}
	return rec, true
}

func (r *Repository) Create(ctx context.Context, c *domain.Customer, ev application.NewEvent, key application.IdempotencyKey) (*domain.Customer, error) {
	if err := ctx.Err(); err != nil {
		return nil, application.ErrUnavailable
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if result, done, err := r.replay(key); done {
		return result, err
	}
	s := c.Snapshot()
	if _, taken := r.byEmail[s.Email]; taken {
		return nil, &domain.DuplicateEmailError{Index: emailIndex, Email: s.Email}
	}
	rec := &record{customer: s}
	r.records[s.ID] = rec
	r.byEmail[s.Email] = s.ID
	r.record(rec, ev)
	r.remember(key, c)
	return c, nil
}

// replay answers a keyed write seen before (done): its recorded result, or
// ErrIdempotencyKeyReused. Call it with mu held.
func (r *Repository) replay(key application.IdempotencyKey) (*domain.Customer, bool, error) {
	rec, ok := r.keys[key.Scope]
	if !key.Set() || !ok {
		return nil, false, nil
	}
	seen, err := key.Matches(rec.fingerprint, rec.at)
	if err != nil || !seen {
		return nil, err != nil, err
	}
	if rec.result == nil {
		return nil, true, nil
	}
	return domain.RestoreCustomer(*rec.result), true, nil
}

// remember records a keyed write's result, and forgets the keys older
// than the window. Call it with mu held.
func (r *Repository) remember(key application.IdempotencyKey, result *domain.Customer) {
	if !key.Set() {
		return
	}
	for scope, rec := range r.keys {
		if rec.at.Before(key.At.Add(-application.IdempotencyWindow)) {
			delete(r.keys, scope)
		}
	}
	rec := keyRecord{fingerprint: key.Fingerprint, at: key.At}
	if result != nil {
		s := result.Snapshot()
		s.PasswordHash = "" // a result is only ever answered
		rec.result = &s
	}
	r.keys[key.Scope] = rec
}

// record queues ev on rec unless the outbox is off; call it with mu held.
func (r *Repository) record(rec *record, ev application.NewEvent) {
	if !r.limits.Off {
		rec.outbox = append(rec.outbox, ev)
	}
}

// full reports that rec may take no event more.
func (r *Repository) full(rec *record) bool {
	return !r.limits.Off && len(rec.outbox) >= r.limits.Max()
}

func (r *Repository) Get(ctx context.Context, id string) (*domain.Customer, error) {
	if err := ctx.Err(); err != nil {
		return nil, application.ErrUnavailable
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	rec, ok := r.live(id)
	if !ok {
		return nil, &domain.CustomerNotFoundError{ID: id}
	}
	return domain.RestoreCustomer(rec.customer), nil
}

func (r *Repository) Patch(ctx context.Context, id string, patch domain.CustomerPatch, expectedVersion *int64, now time.Time, ev application.NewEvent, key application.IdempotencyKey) (*domain.Customer, error) {
	return r.Update(ctx, id, key, application.PatchAsChange(patch, expectedVersion, now, ev))
}

// Update runs change under the write lock, which makes read-decide-write
// atomic here; it stores the result and its event only when change
// changed the customer.
func (r *Repository) Update(ctx context.Context, id string, key application.IdempotencyKey, change func(*domain.Customer) (application.NewEvent, error)) (*domain.Customer, error) {
	if err := ctx.Err(); err != nil {
		return nil, application.ErrUnavailable
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if result, done, err := r.replay(key); done {
		return result, err
	}
	rec, ok := r.live(id)
	if !ok {
		return nil, &domain.CustomerNotFoundError{ID: id}
	}
	c := domain.RestoreCustomer(rec.customer)
	ev, err := change(c)
	if err != nil {
		return nil, err
	}
	if c.Version() == rec.customer.Version {
		return c, nil
	}
	if r.full(rec) {
		return nil, application.ErrEventBacklogFull
	}
	s := c.Snapshot()
	if s.Email != rec.customer.Email {
		if _, taken := r.byEmail[s.Email]; taken {
			return nil, &domain.DuplicateEmailError{Index: emailIndex, Email: s.Email}
		}
		delete(r.byEmail, rec.customer.Email)
		r.byEmail[s.Email] = id
	}
	rec.customer = s
	r.record(rec, ev)
	r.remember(key, c)
	return c, nil
}

func (r *Repository) Delete(ctx context.Context, id string, ev application.NewEvent, key application.IdempotencyKey) error {
	if err := ctx.Err(); err != nil {
		return application.ErrUnavailable
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, done, err := r.replay(key); done {
		return err
	}
	rec, ok := r.live(id)
	if !ok {
		return &domain.CustomerNotFoundError{ID: id}
	}
	if r.full(rec) {
		return application.ErrEventBacklogFull
	}
	delete(r.byEmail, rec.customer.Email)
	rec.removed = true
	rec.customer.Version++
	rec.customer.UpdatedAt = ev.At
	r.record(rec, ev)
	r.remember(key, nil)
	// A tombstone waits for its events to be published; with none, it
	// goes at once.
	if len(rec.outbox) == 0 {
		delete(r.records, id)
	}
	return nil
}

func (r *Repository) FindByEmail(ctx context.Context, email string) (*domain.Customer, error) {
	if err := ctx.Err(); err != nil {
		return nil, application.ErrUnavailable
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	id, ok := r.byEmail[email]
	if !ok {
		return nil, &domain.CustomerNotFoundError{}
	}
	return domain.RestoreCustomer(r.records[id].customer), nil
}

func (r *Repository) List(ctx context.Context, q application.ListQuery) ([]*domain.Customer, error) {
	if err := ctx.Err(); err != nil {
		return nil, application.ErrUnavailable
	}
	r.mu.RLock()
	matched := make([]domain.CustomerSnapshot, 0, len(r.records))
	for _, rec := range r.records {
		if !rec.removed && matches(rec.customer, q) {
			matched = append(matched, rec.customer)
		}
	}
	r.mu.RUnlock()
	slices.SortFunc(matched, func(a, b domain.CustomerSnapshot) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	if q.Skip >= len(matched) {
		return nil, nil
	}
	matched = matched[q.Skip:]
	if q.Limit > 0 && q.Limit < len(matched) {
		matched = matched[:q.Limit]
	}
	out := make([]*domain.Customer, len(matched))
	for i, s := range matched {
		out[i] = domain.RestoreCustomer(s)
	}
	return out, nil
}

func matches(s domain.CustomerSnapshot, q application.ListQuery) bool {
	anyOf := func(values []string, v string) bool { return len(values) == 0 || slices.Contains(values, v) }
	if !anyOf(q.IDs, s.ID) || !anyOf(q.Emails, s.Email) {
		return false
	}
	if len(q.Statuses) > 0 && !slices.ContainsFunc(q.Statuses, func(st domain.Status) bool { return st.String() == s.Status }) {
		return false
	}
	return len(q.Tags) == 0 || slices.ContainsFunc(s.Tags, func(t string) bool { return slices.Contains(q.Tags, t) })
}
