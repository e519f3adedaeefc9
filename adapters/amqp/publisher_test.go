package amqp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	amqp091 "github.com/rabbitmq/amqp091-go"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/test/support/rabbittest"
)

func TestEachEventArrivesUnderItsRoutingKeyOnceConfirmed(t *testing.T) {
	b := rabbittest.New(t)
	p := newPublisher(t, b, b.URL)
	waitReady(t, p, true)
	for _, typ := range allEventTypes {
		t.Run(string(typ), func(t *testing.T) {
			key := b.Exchange + "." + string(typ)
			q := b.BindQueue(t, key, nil)
			e := sampleEvent(typ)
			if err := p.Publish(publishCtx(t), e); err != nil {
				t.Fatal(err)
			}
			d := b.Take(t, q)
			if d.RoutingKey != key {
				t.Errorf("routing key %q, want %q", d.RoutingKey, key)
			}
			if d.MessageId != e.ID {
				t.Errorf("MessageId %q, want %q", d.MessageId, e.ID)
			}
			if d.DeliveryMode != amqp091.Persistent {
				t.Errorf("DeliveryMode %d, want persistent", d.DeliveryMode)
			}
			if d.ContentType != "application/json" {
				t.Errorf("ContentType %q", d.ContentType)
			}
			if got, want := string(d.Body), compactJSON(t, wantBodies[typ]); got != want {
				t.Errorf("body\n got %s\nwant %s", got, want)
			}
			checkSafeMessage(t, d.Body)
		})
	}
}

func TestConcurrentPublishesAreEachConfirmed(t *testing.T) {
	b := rabbittest.New(t)
	q := b.BindQueue(t, b.Exchange+".#", nil)
	p := newPublisher(t, b, b.URL)
	waitReady(t, p, true)

	const n = 64
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			e := sampleEvent(application.EventUpdated)
			e.ID = fmt.Sprintf("evt-%d", i)
			errs[i] = p.Publish(publishCtx(t), e)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for range n {
		seen[b.Take(t, q).MessageId] = true
	}
	if len(seen) != n {
		t.Errorf("%d distinct events in the queue, want %d", len(seen), n)
	}
}

func TestAnEventTheBrokerRefusesIsAnError(t *testing.T) {
	b := rabbittest.New(t)
	// A full queue that rejects publishes makes the broker nack them.
	b.BindQueue(t, b.Exchange+"."+string(application.EventRemoved),
		amqp091.Table{"x-max-length": 0, "x-overflow": "reject-publish"})
	ok := b.BindQueue(t, b.Exchange+"."+string(application.EventCreated), nil)
	p := newPublisher(t, b, b.URL)
	waitReady(t, p, true)

	if err := p.Publish(publishCtx(t), sampleEvent(application.EventRemoved)); err == nil {
		t.Fatal("Publish of a nacked event returned nil")
	}
	// A nack is about one event; the publisher goes on.
	if err := p.Publish(publishCtx(t), sampleEvent(application.EventCreated)); err != nil {
		t.Fatalf("Publish after a nack: %v", err)
	}
	b.Take(t, ok)
}

func TestServiceStartsWhileTheBrokerIsDownAndPublishesOnceItIsUp(t *testing.T) {
	b := rabbittest.New(t)
	q := b.BindQueue(t, b.Exchange+".#", nil)
	px, url := rabbittest.StartProxy(t, b.URL)
	px.Cut()

	p := newPublisher(t, b, url) // New must not fail
	if p.Ready() {
		t.Fatal("Ready with the broker down")
	}
	err := p.Publish(publishCtx(t), sampleEvent(application.EventCreated))
	if !errors.Is(err, errNotConnected) {
		t.Fatalf("Publish with the broker down: %v, want a not-connected error", err)
	}

	px.Restore()
	rabbittest.Eventually(t, "publish after the broker came up", func() error {
		return p.Publish(publishCtx(t), sampleEvent(application.EventCreated))
	})
	b.Take(t, q)
}

func TestPublishFailsWhileTheBrokerIsAwayAndResumesWhenItReturns(t *testing.T) {
	b := rabbittest.New(t)
	q := b.BindQueue(t, b.Exchange+".#", nil)
	px, url := rabbittest.StartProxy(t, b.URL)
	p := newPublisher(t, b, url)
	waitReady(t, p, true)
	if err := p.Publish(publishCtx(t), sampleEvent(application.EventCreated)); err != nil {
		t.Fatal(err)
	}
	b.Take(t, q)

	px.Cut()
	err := p.Publish(publishCtx(t), sampleEvent(application.EventUpdated))
	if err == nil {
		t.Fatal("Publish with the broker gone returned nil")
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Publish waited for its whole context instead of failing: %v", err)
	}
	waitReady(t, p, false)
	if err := p.Publish(publishCtx(t), sampleEvent(application.EventUpdated)); !errors.Is(err, errNotConnected) {
		t.Fatalf("Publish while disconnected: %v, want a not-connected error", err)
	}

	px.Restore()
	rabbittest.Eventually(t, "publish after the broker returned", func() error {
		return p.Publish(publishCtx(t), sampleEvent(application.EventUpdated))
	})
	if d := b.Take(t, q); d.RoutingKey != b.Exchange+".UPDATE" {
		t.Errorf("got %s", d.RoutingKey)
	}
}

func TestPublisherReconnectsWhenTheBrokerClosesItsConnection(t *testing.T) {
	b := rabbittest.New(t)
	q := b.BindQueue(t, b.Exchange+".#", nil)
	p := newPublisher(t, b, b.URL)
	waitReady(t, p, true)
	p.mu.Lock()
	first := p.conn
	p.mu.Unlock()

	closeOwnConnection(t, p)
	rabbittest.Eventually(t, "a new connection", func() error {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.conn == nil || p.conn == first {
			return errors.New("still on the closed connection")
		}
		return nil
	})
	rabbittest.Eventually(t, "publish on the new connection", func() error {
		return p.Publish(publishCtx(t), sampleEvent(application.EventCreated))
	})
	b.Take(t, q)
}

func TestPublisherRedeclaresTheExchangeAfterLosingIt(t *testing.T) {
	b := rabbittest.New(t)
	p := newPublisher(t, b, b.URL)
	waitReady(t, p, true)

	if err := b.Channel(t).ExchangeDelete(b.Exchange, false, false); err != nil {
		t.Fatal(err)
	}
	// Publishing to a missing exchange makes the broker close the channel.
	if err := p.Publish(publishCtx(t), sampleEvent(application.EventCreated)); err == nil {
		t.Fatal("Publish to a deleted exchange returned nil")
	}
	rabbittest.Eventually(t, "publish after the channel was replaced", func() error {
		return p.Publish(publishCtx(t), sampleEvent(application.EventCreated))
	})
	// The exchange is back, declared by the publisher; bindings went with
	// the old one.
	q := b.BindQueue(t, b.Exchange+".#", nil)
	if err := p.Publish(publishCtx(t), sampleEvent(application.EventUpdated)); err != nil {
		t.Fatal(err)
	}
	b.Take(t, q)
}

func TestCloseWaitsForConfirmsAlreadyAwaited(t *testing.T) {
	b := rabbittest.New(t)
	q := b.BindQueue(t, b.Exchange+".#", nil)
	px, url := rabbittest.StartProxy(t, b.URL)
	p := newPublisher(t, b, url)
	waitReady(t, p, true)

	px.Hold()
	published := make(chan error, 1)
	go func() { published <- p.Publish(publishCtx(t), sampleEvent(application.EventCreated)) }()
	awaitQueued(t, b, q)

	closed := make(chan error, 1)
	go func() { closed <- p.Close(publishCtx(t)) }()
	waitReady(t, p, false) // Close has begun
	px.Release()

	if err := <-published; err != nil {
		t.Errorf("Publish in flight during Close: %v", err)
	}
	if err := <-closed; err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := p.Publish(publishCtx(t), sampleEvent(application.EventCreated)); !errors.Is(err, errClosed) {
		t.Errorf("Publish after Close: %v, want the closed error", err)
	}
}

func TestCloseGivesUpOnMissingConfirmsWhenItsContextEnds(t *testing.T) {
	b := rabbittest.New(t)
	q := b.BindQueue(t, b.Exchange+".#", nil)
	px, url := rabbittest.StartProxy(t, b.URL)
	p := newPublisher(t, b, url)
	waitReady(t, p, true)

	px.Hold() // the confirm never comes
	published := make(chan error, 1)
	go func() { published <- p.Publish(publishCtx(t), sampleEvent(application.EventCreated)) }()
	awaitQueued(t, b, q)

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := p.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close: %v, want it to report the confirm it gave up on", err)
	}
	err := <-published
	if err == nil {
		t.Fatal("Publish whose confirm never came returned nil")
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Publish ran to the end of its own context; Close should have ended it: %v", err)
	}
}

// awaitQueued waits until the broker holds a message in q, which shows
// that a Publish has sent it and now waits for its confirm.
func awaitQueued(t *testing.T, b *rabbittest.Broker, q string) {
	t.Helper()
	rabbittest.Eventually(t, "the event in the queue", func() error {
		if b.Depth(t, q) == 0 {
			return errors.New("queue empty")
		}
		return nil
	})
}

// unreachableURL points at a port nothing listens on.
func unreachableURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return "amqp://guest:guest@" + addr + "/"
}

func TestWithoutABrokerNewSucceedsAndPublishFailsAtOnce(t *testing.T) {
	p, err := New(Config{URL: unreachableURL(t), Exchange: "test-events"}, nil)
	if err != nil {
		t.Fatalf("New without a broker: %v", err)
	}
	if p.Ready() {
		t.Error("Ready without a broker")
	}
	ctx := context.Background() // no deadline: Publish must not wait for one
	if err := p.Publish(ctx, sampleEvent(application.EventCreated)); !errors.Is(err, errNotConnected) {
		t.Errorf("Publish: %v, want a not-connected error", err)
	}
	if err := p.Close(ctx); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := p.Publish(ctx, sampleEvent(application.EventCreated)); !errors.Is(err, errClosed) {
		t.Errorf("Publish after Close: %v, want the closed error", err)
	}
	if err := p.Close(ctx); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestAnInvalidEventIsRefusedBeforeTheBrokerIsAsked(t *testing.T) {
	p, err := New(Config{URL: unreachableURL(t), Exchange: "test-events"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = p.Close(context.Background()) }()
	e := sampleEvent(application.EventUpdated)
	e.Customer = nil
	if err := p.Publish(context.Background(), e); err == nil || errors.Is(err, errNotConnected) {
		t.Errorf("Publish of an invalid event: %v, want the event's own error", err)
	}
}

// The broker blocks publishers when it runs low on memory or disk; it then
// stops reading, so a publish would hang in a write no context can end.
// Blocking the shared broker would stall other tests, so the notification
// is delivered by hand.
func TestPublishFailsAtOnceWhileTheBrokerBlocksPublishers(t *testing.T) {
	b := rabbittest.New(t)
	q := b.BindQueue(t, b.Exchange+".#", nil)
	p := newPublisher(t, b, b.URL)
	waitReady(t, p, true)

	p.setBlocked(amqp091.Blocking{Active: true, Reason: "low on memory"})
	if p.Ready() {
		t.Error("Ready while blocked")
	}
	err := p.Publish(context.Background(), sampleEvent(application.EventCreated))
	if err == nil || !strings.Contains(err.Error(), "low on memory") {
		t.Errorf("Publish while blocked: %v, want the broker's reason", err)
	}

	p.setBlocked(amqp091.Blocking{Active: false})
	if err := p.Publish(publishCtx(t), sampleEvent(application.EventCreated)); err != nil {
		t.Fatalf("Publish once unblocked: %v", err)
	}
	b.Take(t, q)
}
