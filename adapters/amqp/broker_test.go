package amqp

import (
	"context"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/microbase-io/customer-service/test/support/rabbittest"
)

// The tests that need a broker use a real RabbitMQ (see rabbittest): each
// has its own exchange and exclusive queues, so tests and other packages'
// tests can share one broker; none stops the broker, they cut only their
// own connections.

// newPublisher returns a Publisher on b's exchange, closed at the end of
// the test. Reconnect waits are short so recovery tests stay quick.
func newPublisher(t *testing.T, b *rabbittest.Broker, url string) *Publisher {
	t.Helper()
	p, err := New(Config{
		URL: url, Exchange: b.Exchange, ConnectionName: t.Name(),
		ReconnectMin: 10 * time.Millisecond, ReconnectMax: 200 * time.Millisecond,
	}, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), rabbittest.Patience)
		defer cancel()
		_ = p.Close(ctx)
	})
	return p
}

func waitReady(t *testing.T, p *Publisher, want bool) {
	t.Helper()
	rabbittest.Eventually(t, "Ready() = "+strconv.FormatBool(want), func() error {
		if p.Ready() != want {
			return context.DeadlineExceeded
		}
		return nil
	})
}

func publishCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), rabbittest.Patience)
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
		rabbittest.SkipOrFail(t, "rabbitmqctl is not installed; it is needed to have the broker close a connection")
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
		rabbittest.SkipOrFail(t, "the broker rabbitmqctl manages has no connection from port "+port+"; is "+rabbittest.URLVariable+" another broker?")
	}
	if out, err := exec.Command(ctl, "close_connection", pid, "closed by a test").CombinedOutput(); err != nil {
		t.Fatalf("rabbitmqctl close_connection: %v\n%s", err, out)
	}
}
