package application

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"
)

// RelayConfig tunes a Relay. Owner and Lease are required; the other zero
// values take the defaults.
type RelayConfig struct {
	// Owner names this relay in leases; unique per process.
	Owner string
	// Lease is how long a relay holds a customer's events before another
	// may take them over (the configuration's outbox_lease). It bounds how
	// long the events of a crashed instance wait.
	Lease time.Duration
	// PollInterval is the pause when nothing waits (default 200 ms).
	PollInterval time.Duration
	// PublishTimeout bounds one publish and its confirm (default 5 s).
	PublishTimeout time.Duration
	// MaxBackoff caps the pause after failures (default 5 s).
	MaxBackoff time.Duration
	// Workers is how many customers are published at once (default 2).
	Workers int
}

func (c RelayConfig) withDefaults() RelayConfig {
	orDefault(&c.PollInterval, 200*time.Millisecond)
	orDefault(&c.PublishTimeout, 5*time.Second)
	orDefault(&c.MaxBackoff, 5*time.Second)
	orDefault(&c.Workers, 2)
	return c
}

// RelayObserver hears what a relay does, for logs and metrics.
type RelayObserver interface {
	Published(e Event)
	PublishFailed(e Event, err error)
	OutboxFailed(err error)
	Backlog(customers int64)
}

// Relay moves events from the outbox to the bus: it claims a customer,
// publishes its events oldest first, removes each one only after the
// broker confirmed it, and releases the customer. A failure leaves the
// event where it is, to be tried again after a pause; nothing is dropped.
type Relay struct {
	outbox    Outbox
	publisher EventPublisher
	clock     Clock
	cfg       RelayConfig
	observer  RelayObserver
}

// NewRelay refuses a config without an owner or a lease.
func NewRelay(outbox Outbox, publisher EventPublisher, clock Clock, cfg RelayConfig, observer RelayObserver) (*Relay, error) {
	if cfg.Owner == "" || cfg.Lease <= 0 {
		return nil, fmt.Errorf("relay: owner %q and lease %s: both are required", cfg.Owner, cfg.Lease)
	}
	return &Relay{outbox: outbox, publisher: publisher, clock: clock, cfg: cfg.withDefaults(), observer: observer}, nil
}

// backlogEvery spaces the backlog count, a query over the collection.
const backlogEvery = 5 * time.Second

// Run relays until ctx ends. A publish under way when it ends is finished
// (within PublishTimeout) and acknowledged, so a shutdown causes no
// duplicate.
func (r *Relay) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for i := range r.cfg.Workers {
		// Each worker holds leases in its own name, so one worker can
		// never acknowledge events another took over.
		owner := r.cfg.Owner + "/" + strconv.Itoa(i)
		wg.Go(func() { r.work(ctx, owner) })
	}
	wg.Go(func() { r.reportBacklog(ctx) })
	wg.Wait()
}

func (r *Relay) work(ctx context.Context, owner string) {
	failures := 0
	for ctx.Err() == nil {
		worked, err := r.relayOne(ctx, owner)
		switch {
		case err != nil:
			failures++
			sleep(ctx, r.backoff(failures))
		case worked:
			failures = 0
		default:
			failures = 0
			sleep(ctx, r.cfg.PollInterval)
		}
	}
}

// relayOne publishes the events of one claimed customer; worked is false
// when there was nothing to claim.
func (r *Relay) relayOne(ctx context.Context, owner string) (worked bool, err error) {
	id, ok, err := r.outbox.Claim(ctx, owner, r.clock.Now(), r.cfg.Lease)
	if err != nil {
		if ctx.Err() == nil {
			r.observer.OutboxFailed(err)
		}
		return false, err
	}
	if !ok {
		return false, nil
	}
	err = r.publishAll(ctx, id, owner)
	// The lease is given back even when ctx has ended, or another instance
	// would wait for it to run out; its time starts once the queue is
	// published, however long that took.
	finish, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.PublishTimeout)
	defer cancel()
	if rerr := r.outbox.Release(finish, id, owner); rerr != nil && err == nil {
		r.observer.OutboxFailed(rerr)
		err = rerr
	}
	return true, err
}

func (r *Relay) publishAll(ctx context.Context, id, owner string) error {
	events, err := r.outbox.Pending(ctx, id)
	if err != nil {
		r.observer.OutboxFailed(err)
		return err
	}
	for _, e := range events {
		if ctx.Err() != nil {
			return nil
		}
		// An event the broker took is acknowledged even when ctx has ended.
		pubCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.PublishTimeout)
		if err := r.publisher.Publish(pubCtx, e); err != nil {
			r.observer.PublishFailed(e, err)
			cancel()
			return err
		}
		err := r.outbox.Ack(pubCtx, id, owner, e.ID, r.clock.Now().Add(r.cfg.Lease))
		cancel()
		switch {
		case errors.Is(err, ErrLeaseLost):
			// Another relay has these events now; it publishes the rest,
			// and this one again, with the same id.
			return nil
		case err != nil:
			r.observer.OutboxFailed(err)
			return err
		}
		r.observer.Published(e)
	}
	return nil
}

func (r *Relay) reportBacklog(ctx context.Context) {
	for ctx.Err() == nil {
		if n, err := r.outbox.Backlog(ctx); err == nil {
			r.observer.Backlog(n)
		}
		sleep(ctx, backlogEvery)
	}
}

// backoff doubles from the poll interval up to MaxBackoff, with jitter so
// that instances do not retry in step.
func (r *Relay) backoff(failures int) time.Duration {
	d := r.cfg.PollInterval << min(failures, 16)
	d = min(d, r.cfg.MaxBackoff)
	return d/2 + rand.N(d/2+1)
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
