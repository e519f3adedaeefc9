package application

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/microbase-io/customer-service/domain"
)

// MigrationSource is a store a migration reads.
type MigrationSource interface {
	// EachStored hands each to every customer the store holds, as stored,
	// tombstones whose events wait included (a tombstone with none is a
	// customer gone), in increasing byte order of their ids. An error from
	// each stops it and is returned as it is.
	EachStored(ctx context.Context, each func(StoredCustomer) error) error
	// CountStored tells about how many customers EachStored would hand,
	// for a progress bar.
	CountStored(ctx context.Context) (int64, error)
}

// MigrationTarget is a store a migration writes: every put and removal is
// one atomic step on one customer, which a migration killed at any point
// leaves either done or not.
type MigrationTarget interface {
	MigrationSource
	// PutStored stores each put's customer as stored, with its waiting
	// events and a receipt from source at its version, in place of the
	// target's copy, if that copy is still at Expected. It returns one
	// error per put: nil, ErrTargetChanged when the copy was not as
	// expected, a domain.DuplicateEmailError when another customer holds
	// the email. Its own error means the store failed: each put may have
	// landed or not.
	PutStored(ctx context.Context, source string, puts []MigrationPut) ([]error, error)
	// RemoveStored deletes the customer with its waiting events if it is
	// at version and its receipt is from source at that version;
	// ErrTargetChanged otherwise.
	RemoveStored(ctx context.Context, source, id string, version int64) error
	// FindByEmail returns the customer holding that email (as the
	// CustomerRepository's does), to name it in a report.
	FindByEmail(ctx context.Context, email string) (*domain.Customer, error)
}

// MigrationPut is one customer to put into a target.
type MigrationPut struct {
	Stored StoredCustomer
	// Expected is the version of the target's copy as read; nil when the
	// target had no such customer.
	Expected *int64
}

// ErrTargetChanged means the target's copy of a customer was written
// while the migration ran, so the migration left it as it is.
var ErrTargetChanged = errors.New("written on the target during the migration")

// MigrationObserver hears how far a migration is.
type MigrationObserver interface {
	// Phase starts a pass over about total customers of the source:
	// "copy", then "verify".
	Phase(name string, total int64)
	// Advanced tells that n more customers of the source were handled.
	Advanced(n int64)
}

// Migration copies the customers of one store to another, then compares
// them customer by customer. Run again, it copies only what is new,
// changed or removed since: customers are matched by id, and a target's
// copy at the source's version, holding the same, is left as it is.
//
// It never overwrites a target's customer that is newer than the
// source's, one the source does not have, nor one whose email the source
// gives to another id: those are reported and left alone. A customer the
// source no longer has is removed from the target only if the target got
// it from this source (its receipt) and nobody wrote it there since.
type Migration struct {
	from     MigrationSource
	to       MigrationTarget
	source   string
	observer MigrationObserver
	clock    Clock
	shown    int
}

// NewMigration migrates from into to; source names from in the receipts
// the target keeps, the same for every run from the same store. Reports
// list the first shown findings of each kind and count the rest.
func NewMigration(from MigrationSource, to MigrationTarget, source string, observer MigrationObserver, clock Clock, shown int) *Migration {
	return &Migration{from: from, to: to, source: source, observer: observer, clock: clock, shown: max(shown, 1)}
}

// Bounds of what a migration holds: the puts it sends at once; the puts
// refused for an email that it tries again once the pass has written
// every other customer (whose new emails may free them); and the
// customers it removes once the pass has read both stores whole and in
// order (a store that fails or hands ids out of order looks, part way,
// as if it lacked the customers it did not hand). The removals beyond
// the bound are the next run's.
const (
	putBatch    = 128
	maxRetried  = 1024
	maxRemovals = 1 << 18
)

// Run copies, then verifies. The report says what it did and every
// difference that remains; an error means it stopped before the end (the
// context ended, a store failed), and running it again goes on from what
// it did.
func (m *Migration) Run(ctx context.Context) (MigrationReport, error) {
	report := MigrationReport{LeftAlone: Findings{max: m.shown}, Differences: Findings{max: m.shown}}
	start := m.clock.Now()
	err := m.copy(ctx, &report)
	report.Copying = m.clock.Now().Sub(start)
	if err != nil {
		return report, err
	}
	start = m.clock.Now()
	err = m.verify(ctx, &report)
	report.Verifying = m.clock.Now().Sub(start)
	return report, err
}

// pass is one phase: it walks both stores in id order at once, as a merge
// (each id is on one side or both, and each side is read once), telling
// the observer of each customer of the source before fn handles it.
func (m *Migration) pass(ctx context.Context, name string, fn func(src, dst *StoredCustomer) error) error {
	total, err := m.from.CountStored(ctx)
	if err != nil {
		return fmt.Errorf("counting the source's customers: %w", err)
	}
	m.observer.Phase(name, total)
	return merge(ctx, m.from, m.to, func(src, dst *StoredCustomer) error {
		if src != nil {
			m.observer.Advanced(1)
		}
		return fn(src, dst)
	})
}

// copy writes to the target what is new, changed or removed on the source.
func (m *Migration) copy(ctx context.Context, report *MigrationReport) error {
	c := copier{Migration: m, ctx: ctx, report: report}
	err := m.pass(ctx, "copy", func(src, dst *StoredCustomer) error {
		if src == nil {
			return c.sourceLacks(*dst)
		}
		report.Customers++
		switch {
		case dst == nil:
			return c.put(MigrationPut{Stored: *src})
		case dst.Customer.Version() > src.Customer.Version():
			report.LeftAlone.add(src.Customer.ID(), fmt.Sprintf("newer on the target (version %d, the source's %d)", dst.Customer.Version(), src.Customer.Version()))
		case len(src.Differences(*dst)) == 0:
			report.Unchanged++
		default:
			return c.put(MigrationPut{Stored: *src, Expected: new(dst.Customer.Version())})
		}
		return nil
	})
	if err == nil {
		err = c.flush()
	}
	// Removals free emails that the puts tried again may take: those
	// whose email another customer held go once more, the pass written.
	if err == nil {
		err = c.remove()
	}
	if err == nil {
		err = c.send(c.retried, false)
	}
	return err
}

// copier batches the puts of a copy pass and sorts out their outcomes.
type copier struct {
	*Migration
	ctx      context.Context
	report   *MigrationReport
	batch    []MigrationPut
	retried  []MigrationPut
	removals []removal
}

// removal is a customer of the target to remove at that version.
type removal struct {
	id      string
	version int64
}

func (c *copier) put(p MigrationPut) error {
	c.batch = append(c.batch, p)
	if len(c.batch) < putBatch {
		return nil
	}
	return c.flush()
}

func (c *copier) flush() error {
	err := c.send(c.batch, true)
	c.batch = c.batch[:0]
	return err
}

// send puts puts; with retry, those refused for their email are kept to
// be tried again, up to maxRetried.
func (c *copier) send(puts []MigrationPut, retry bool) error {
	if len(puts) == 0 {
		return nil
	}
	errs, err := c.to.PutStored(c.ctx, c.source, puts)
	if err != nil {
		return fmt.Errorf("writing the target: %w", err)
	}
	for i, p := range puts {
		switch {
		case errs[i] == nil:
			c.report.Copied++
		case retry && errors.As(errs[i], new(*domain.DuplicateEmailError)) && len(c.retried) < maxRetried:
			c.retried = append(c.retried, p)
		default:
			if err := c.refused(p, errs[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// refused reports a put the target refused, naming the customer that
// holds the email when that was the reason (for the findings shown).
func (c *copier) refused(p MigrationPut, err error) error {
	id := p.Stored.Customer.ID()
	switch {
	case errors.Is(err, ErrTargetChanged):
		c.report.LeftAlone.add(id, "written on the target during the migration")
	case errors.As(err, new(*domain.DuplicateEmailError)):
		what := "its email is held by another customer of the target"
		if c.report.LeftAlone.showing() {
			holder, ferr := c.to.FindByEmail(c.ctx, p.Stored.Customer.Email())
			if ferr == nil && holder.ID() != id {
				what = "its email is held by customer " + holder.ID() + " of the target"
			}
		}
		c.report.LeftAlone.add(id, what)
	default:
		return fmt.Errorf("writing customer %s to the target: %w", id, err)
	}
	return nil
}

// sourceLacks removes a customer the source no longer has, if the target
// got it from this source and nobody wrote it there since; any other is
// not the migration's to remove.
func (c *copier) sourceLacks(dst StoredCustomer) error {
	id := dst.Customer.ID()
	switch {
	case dst.From(c.source) && len(c.removals) < maxRemovals:
		c.removals = append(c.removals, removal{id: id, version: dst.Customer.Version()})
	case dst.From(c.source):
		c.report.LeftAlone.add(id, "not in the source any more: the next run removes it (this one has as many removals as it holds)")
	case dst.Received.Source == c.source:
		c.report.LeftAlone.add(id, "not in the source any more, and written on the target since it was copied")
	default:
		c.report.LeftAlone.add(id, "not in the source")
	}
	return nil
}

func (c *copier) remove() error {
	for _, r := range c.removals {
		err := c.to.RemoveStored(c.ctx, c.source, r.id, r.version)
		switch {
		case err == nil:
			c.report.Removed++
		case errors.Is(err, ErrTargetChanged):
			c.report.LeftAlone.add(r.id, "written on the target during the migration")
		default:
			return fmt.Errorf("removing customer %s from the target: %w", r.id, err)
		}
		if err := c.ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// verify compares every customer of the source with the target's.
func (m *Migration) verify(ctx context.Context, report *MigrationReport) error {
	return m.pass(ctx, "verify", func(src, dst *StoredCustomer) error {
		if src == nil {
			report.Differences.add(dst.Customer.ID(), "not in the source")
			return nil
		}
		if dst == nil {
			report.Differences.add(src.Customer.ID(), "missing from the target")
		} else if diffs := src.Differences(*dst); len(diffs) > 0 {
			report.Differences.add(src.Customer.ID(), "differs in "+strings.Join(diffs, ", "))
		}
		return nil
	})
}

// merge walks a and b in id order together and hands each id to fn with
// its customer on each side (nil on a side that lacks it). It fails on a
// side that does not hand ids in increasing order, which would make it
// take a customer for absent.
func merge(ctx context.Context, a, b MigrationSource, fn func(a, b *StoredCustomer) error) error {
	walks, cancel := context.WithCancel(ctx)
	left, right := pull(walks, a, "the source"), pull(walks, b, "the target")
	defer func() {
		cancel()
		left.stop()
		right.stop()
	}()
	for {
		// A side that failed looks ended: nothing may be taken for absent
		// from it.
		if err := errors.Join(left.broken, right.broken, ctx.Err()); err != nil {
			return err
		}
		x, y := left.current, right.current
		var err error
		switch {
		case x == nil && y == nil:
			return nil
		case y == nil || (x != nil && x.Customer.ID() < y.Customer.ID()):
			err = fn(x, nil)
			left.advance()
		case x == nil || y.Customer.ID() < x.Customer.ID():
			err = fn(nil, y)
			right.advance()
		default:
			err = fn(x, y)
			left.advance()
			right.advance()
		}
		if err != nil {
			return err
		}
	}
}

// cursor is a store's customers, read ahead of the merge by a goroutine
// of their own, so that both stores are read at once, and while the
// target is written.
type cursor struct {
	ahead   chan StoredCustomer
	current *StoredCustomer
	failure error // set before ahead is closed
	broken  error
	side    string
}

// pullAhead bounds how many customers a cursor holds read ahead.
const pullAhead = 64

// pull starts reading s; its reader stops when ctx ends (see stop).
func pull(ctx context.Context, s MigrationSource, side string) *cursor {
	c := &cursor{ahead: make(chan StoredCustomer, pullAhead), side: side}
	go func() {
		defer close(c.ahead)
		err := s.EachStored(ctx, func(sc StoredCustomer) error {
			select {
			case c.ahead <- sc:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		if err != nil {
			c.failure = fmt.Errorf("reading %s: %w", side, err)
		}
	}()
	c.advance()
	return c
}

// stop waits for the reader to end, its context ended: a store's walk
// is over before the store may close.
func (c *cursor) stop() {
	for range c.ahead {
	}
}

func (c *cursor) advance() {
	previous := c.current
	s, ok := <-c.ahead
	if !ok {
		c.current, c.broken = nil, c.failure
		return
	}
	if previous != nil && s.Customer.ID() <= previous.Customer.ID() {
		c.current = nil
		c.broken = fmt.Errorf("%s handed customer %q after %q, out of id order", c.side, s.Customer.ID(), previous.Customer.ID())
		return
	}
	c.current = &s
}

// MigrationReport is what a migration did and found.
type MigrationReport struct {
	// Customers is how many customers of the source the copy met.
	Customers int64
	// Copied were put into the target; Unchanged held the same there
	// already; Removed went from the target, as they went from the source.
	Copied, Unchanged, Removed int64
	// LeftAlone are the target's customers the migration did not write,
	// and why.
	LeftAlone Findings
	// Differences are what the verification found different in the end.
	Differences Findings
	// Copying and Verifying are how long each pass took.
	Copying, Verifying time.Duration
}

// Findings are the first few findings of a kind, and how many there were.
type Findings struct {
	Shown []Finding
	Count int64
	max   int
}

// Finding is one customer a report is about.
type Finding struct {
	ID   string
	What string
}

func (f *Findings) showing() bool { return len(f.Shown) < f.max }

func (f *Findings) add(id, what string) {
	f.Count++
	if f.showing() {
		f.Shown = append(f.Shown, Finding{ID: id, What: what})
	}
}
