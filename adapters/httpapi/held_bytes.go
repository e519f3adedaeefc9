package httpapi

import (
	"context"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/microbase-io/customer-service/application"
)

// heldBytes bounds the bytes the requests in flight make the API hold at
// once, whatever their number: their bodies, and the pages of
// customer.list as they are built. A request waits for room within its
// deadline, then is answered 503 service_busy. A list page that finds no
// room for one more customer ends early instead (its page.next goes on
// from there), so that no request waits while it holds a page another is
// waiting for: only the first customer of a page is waited for.
type heldBytes struct {
	room *semaphore.Weighted
	size int64
	// answerBytes is the most one list page holds: a page that reaches it
	// ends there.
	answerBytes int64
	held        atomic.Int64
	observer    Observer
}

func newHeldBytes(size, answerBytes int64, observer Observer) *heldBytes {
	return &heldBytes{room: semaphore.NewWeighted(size), size: size, answerBytes: answerBytes, observer: observer}
}

// claim is the room one request holds; release gives it all back.
type claim struct {
	pool *heldBytes
	n    int64
}

func (p *heldBytes) claim() *claim { return &claim{pool: p} }

// wait takes room for n more bytes, waiting until ctx ends. A claim never
// waits for more than the pool could ever give it.
func (c *claim) wait(ctx context.Context, n int64) error {
	n = min(n, c.pool.size-c.n)
	if n <= 0 {
		return nil
	}
	if err := c.pool.room.Acquire(ctx, n); err != nil {
		return application.Busy("room for the requests in flight", time.Second)
	}
	c.taken(n)
	return nil
}

// try takes room for n more bytes if there is some now.
func (c *claim) try(n int64) bool {
	n = min(n, c.pool.size-c.n)
	if !c.pool.room.TryAcquire(n) {
		return false
	}
	c.taken(n)
	return true
}

func (c *claim) taken(n int64) {
	c.n += n
	c.pool.observer.BytesHeld(c.pool.held.Add(n))
}

func (c *claim) release() {
	if c.n == 0 {
		return
	}
	c.pool.room.Release(c.n)
	c.pool.observer.BytesHeld(c.pool.held.Add(-c.n))
	c.n = 0
}

type claimContext struct{}

// withClaim gives a request's claim to its handler.
func withClaim(ctx context.Context, c *claim) context.Context {
	return context.WithValue(ctx, claimContext{}, c)
}

// claimOf is the claim of the request ctx belongs to.
func claimOf(ctx context.Context) *claim {
	c, _ := ctx.Value(claimContext{}).(*claim)
	return c
}
