package amqp

import (
	"context"
	"crypto/rand"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	amqp091 "github.com/rabbitmq/amqp091-go"
	"go.uber.org/zap/zaptest"
)

// The tests that need a broker use a real RabbitMQ, found through this
// variable. Each test has its own exchange and exclusive queues, so tests
// (and other packages' tests) can share one broker; none stops the broker,
// they cut only their own connections.
const brokerURLEnv = "CUSTOMER_TEST_AMQP_URL"

const defaultBrokerURL = "amqp://guest:guest@127.0.0.1:5672/"

// patience bounds waits for something that happens in milliseconds when
// all is well; reaching it means the behaviour is broken, not slow.
const patience = 30 * time.Second

func brokerURL() string {
	if u := os.Getenv(brokerURLEnv); u != "" {
		return u
	}
	return defaultBrokerURL
}

// probeBroker dials once per test binary, so a missing broker costs one
// attempt, not one per test.
var probeBroker = sync.OnceValue(func() error {
	conn, err := amqp091.DialConfig(brokerURL(), amqp091.Config{Dial: amqp091.DefaultDial(3 * time.Second)})
	if err != nil {
		return err
	}
	return conn.Close()
})

// skipOrFail skips on a developer's machine but fails under CI=true: a CI
// run must never pass with its broker tests silently skipped.
func skipOrFail(t *testing.T, reason string) {
	t.Helper()
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		t.Fatal(reason + " (CI=true: broker tests must run)")
	}
	t.Skip(reason)
}

func requireBroker(t *testing.T) string {
	t.Helper()
	if err := probeBroker(); err != nil {
		skipOrFail(t, "no RabbitMQ at "+redacted(brokerURL())+" (set "+brokerURLEnv+"): "+strings.Join(strings.Fields(err.Error()), " "))
	}
	return brokerURL()
}

func redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "an unparsable URL"
	}
	return u.Redacted()
}

// testBroker is one test's corner of the broker: its own exchange, and an
// admin connection that declares queues and reads them.
type testBroker struct {
	url      string
	exchange string
	admin    *amqp091.Connection
}

func newTestBroker(t *testing.T) *testBroker {
	t.Helper()
	b := &testBroker{url: requireBroker(t), exchange: "CUSTOMERS_TEST_" + rand.Text()[:12]}
	admin, err := amqp091.Dial(b.url)
	if err != nil {
		t.Fatal(err)
	}
	b.admin = admin
	t.Cleanup(func() {
		if ch, err := admin.Channel(); err == nil {
			_ = ch.ExchangeDelete(b.exchange, false, false)
		}
		_ = admin.Close() // also deletes the exclusive queues
	})
	// Declared here too, so queues can be bound before the publisher is up.
	if err := b.channel(t).ExchangeDeclare(b.exchange, amqp091.ExchangeTopic, true, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	return b
}

// channel is a fresh channel per use: a broker error closes the channel it
// happens on, and must not break the next helper.
func (b *testBroker) channel(t *testing.T) *amqp091.Channel {
	t.Helper()
	ch, err := b.admin.Channel()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ch.Close() })
	return ch
}

// bindQueue declares an exclusive, auto-deleted queue bound to key.
func (b *testBroker) bindQueue(t *testing.T, key string, args amqp091.Table) string {
	t.Helper()
	ch := b.channel(t)
	q, err := ch.QueueDeclare("", false, true, true, false, args)
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.QueueBind(q.Name, key, b.exchange, false, nil); err != nil {
		t.Fatal(err)
	}
	return q.Name
}

// take reads the next message without waiting for one: an event whose
// Publish returned nil must already be in its queue.
func (b *testBroker) take(t *testing.T, queue string) amqp091.Delivery {
	t.Helper()
	d, ok, err := b.channel(t).Get(queue, true)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatalf("queue %s is empty: Publish returned before the broker had the event", queue)
	}
	return d
}

func (b *testBroker) depth(t *testing.T, queue string) int {
	t.Helper()
	q, err := b.channel(t).QueueDeclarePassive(queue, false, true, true, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	return q.Messages
}

// publisher returns a Publisher on this test's exchange, closed at the
// end of the test. Reconnect waits are short so recovery tests stay quick.
func (b *testBroker) publisher(t *testing.T, url string) *Publisher {
	t.Helper()
	p, err := New(Config{
		URL: url, Exchange: b.exchange, ConnectionName: t.Name(),
		ReconnectMin: 10 * time.Millisecond, ReconnectMax: 200 * time.Millisecond,
	}, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), patience)
		defer cancel()
		_ = p.Close(ctx)
	})
	return p
}

// eventually retries f as the outbox relay will: until it succeeds.
func eventually(t *testing.T, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still failing after %s: %v", what, patience, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func waitReady(t *testing.T, p *Publisher, want bool) {
	t.Helper()
	eventually(t, "Ready() = "+strconv.FormatBool(want), func() error {
		if p.Ready() != want {
			return context.DeadlineExceeded
		}
		return nil
	})
}

func publishCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	t.Cleanup(cancel)
	return ctx
}

// closeOwnConnection has the broker close the publisher's connection, as
// it does on an operator's command or a node shutdown, and leaves every
// other connection alone. It needs the rabbitmqctl of the node under test.
func closeOwnConnection(t *testing.T, p *Publisher) {
	t.Helper()
	ctl, err := exec.LookPath("rabbitmqctl")
	if err != nil {
		skipOrFail(t, "rabbitmqctl is not installed; it is needed to have the broker close a connection")
	}
	p.mu.Lock()
	local := p.conn.LocalAddr()
	p.mu.Unlock()
	_, port, _ := net.SplitHostPort(local.String())

	out, err := exec.Command(ctl, "list_connections", "-q", "--no-table-headers", "pid", "peer_port").CombinedOutput()
	if err != nil {
		t.Fatalf("rabbitmqctl list_connections: %v\n%s", err, out)
	}
	pid := ""
	for line := range strings.Lines(string(out)) {
		if f := strings.Fields(line); len(f) == 2 && f[1] == port {
			pid = f[0]
		}
	}
	if pid == "" {
		skipOrFail(t, "the broker rabbitmqctl manages has no connection from port "+port+"; is "+brokerURLEnv+" another broker?")
	}
	if out, err := exec.Command(ctl, "close_connection", pid, "closed by a test").CombinedOutput(); err != nil {
		t.Fatalf("rabbitmqctl close_connection: %v\n%s", err, out)
	}
}
