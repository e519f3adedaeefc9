package rabbittest

import (
	"crypto/rand"
	"fmt"
	"testing"

	amqp091 "github.com/rabbitmq/amqp091-go"
)

// Broker is one test's corner of the broker: an exchange of its own, and an
// admin connection that declares queues and reads them. Everything goes
// when the test ends.
type Broker struct {
	// URL is the broker's AMQP URI.
	URL string
	// Exchange is unique to the test: a durable topic exchange declared as
	// the service declares its own, so either may come first.
	Exchange string
	admin    *amqp091.Connection
}

// New declares the test's exchange on the broker of Require.
func New(t testing.TB) *Broker {
	t.Helper()
	b := &Broker{URL: Require(t), Exchange: "CUSTOMERS_TEST_" + rand.Text()[:12]}
	admin, err := amqp091.Dial(b.URL)
	if err != nil {
		t.Fatal(err)
	}
	b.admin = admin
	t.Cleanup(func() {
		if ch, err := admin.Channel(); err == nil {
			_ = ch.ExchangeDelete(b.Exchange, false, false)
		}
		_ = admin.Close() // also deletes the exclusive queues
	})
	// Declared here too, so queues can be bound before any publisher is up.
	if err := b.Channel(t).ExchangeDeclare(b.Exchange, amqp091.ExchangeTopic, true, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	return b
}

// Channel is a fresh channel per use: a broker error closes the channel it
// happens on, and must not break the next helper.
func (b *Broker) Channel(t testing.TB) *amqp091.Channel {
	t.Helper()
	ch, err := b.admin.Channel()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ch.Close() })
	return ch
}

// BindQueue declares an exclusive, auto-deleted queue bound to key on the
// test's exchange (args as for QueueDeclare, e.g. x-max-length).
func (b *Broker) BindQueue(t testing.TB, key string, args amqp091.Table) string {
	t.Helper()
	ch := b.Channel(t)
	q, err := ch.QueueDeclare("", false, true, true, false, args)
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.QueueBind(q.Name, key, b.Exchange, false, nil); err != nil {
		t.Fatal(err)
	}
	return q.Name
}

// Take reads the next message without waiting for one: an event whose
// publish was confirmed must already be in its queue.
func (b *Broker) Take(t testing.TB, queue string) amqp091.Delivery {
	t.Helper()
	d, ok, err := b.Channel(t).Get(queue, true)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatalf("queue %s is empty: a publish was reported before the broker had the event", queue)
	}
	return d
}

// Depth is how many messages wait in queue.
func (b *Broker) Depth(t testing.TB, queue string) int {
	t.Helper()
	q, err := b.Channel(t).QueueDeclarePassive(queue, false, true, true, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	return q.Messages
}

// Drain takes every message now in queue, oldest first, without waiting
// for more.
func (b *Broker) Drain(t testing.TB, queue string) []amqp091.Delivery {
	t.Helper()
	ch := b.Channel(t)
	var out []amqp091.Delivery
	for {
		d, ok, err := ch.Get(queue, true)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return out
		}
		out = append(out, d)
	}
}

// Await takes n messages from queue, oldest first, waiting for those not
// there yet (at most Patience).
func (b *Broker) Await(t testing.TB, queue string, n int) []amqp091.Delivery {
	t.Helper()
	ch := b.Channel(t)
	out := make([]amqp091.Delivery, 0, n)
	Eventually(t, fmt.Sprintf("%d messages in %s", n, queue), func() error {
		for len(out) < n {
			d, ok, err := ch.Get(queue, true)
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				return fmt.Errorf("%d arrived", len(out))
			}
			out = append(out, d)
		}
		return nil
	})
	return out
}
