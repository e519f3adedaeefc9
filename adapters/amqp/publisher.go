package amqp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	amqp091 "github.com/rabbitmq/amqp091-go"
	"go.uber.org/zap"

	"github.com/microbase-io/customer-service/application"
)

var _ application.EventPublisher = (*Publisher)(nil)

var (
	errClosed       = errors.New("amqp: publisher closed")
	errNotConnected = errors.New("amqp: not connected to the broker")
)

// closeGrace bounds the close handshake when the caller's context has no
// deadline, so a broker that stopped answering cannot hold up shutdown.
const closeGrace = 5 * time.Second

// Publisher sends events to a durable topic exchange and reports success
// only on a publisher confirm. It holds one connection with one channel in
// confirm mode, shared by concurrent Publish calls: the client library
// numbers each publish and matches its confirm under the channel's lock.
// When the connection or the channel closes, a background loop opens new
// ones; meanwhile Publish fails at once, and the caller keeps the event.
type Publisher struct {
	cfg  Config
	dial amqp091.Config
	log  *zap.Logger

	mu       sync.Mutex
	conn     *amqp091.Connection // nil while disconnected
	ch       *amqp091.Channel
	blocked  string // the broker's reason while it refuses publishes
	downErr  error  // why the last connection attempt failed or the link went down
	closed   bool
	inflight sync.WaitGroup // Publish calls past the closed check

	stop chan struct{} // closed by Close: the loop must not reconnect
	done chan struct{} // closed when the loop has returned
}

// New starts connecting in the background and returns at once: a broker
// that is down at start must not stop the service from taking requests
// and recording their events. It fails only on a configuration that no
// retry can fix. A nil logger logs nothing.
func New(cfg Config, logger *zap.Logger) (*Publisher, error) {
	cfg, uri, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = zap.NewNop()
	}
	props := amqp091.NewConnectionProperties()
	props.SetClientConnectionName(cfg.ConnectionName)
	p := &Publisher{
		cfg: cfg,
		dial: amqp091.Config{
			Properties: props,
			Dial:       amqp091.DefaultDial(dialTimeout),
		},
		// The URL is never logged: it may carry the password.
		log: logger.With(
			zap.String("broker", net.JoinHostPort(uri.Host, strconv.Itoa(uri.Port))),
			zap.String("vhost", uri.Vhost),
			zap.String("exchange", cfg.Exchange),
		),
		downErr: errors.New("first connection attempt still running"),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	go p.run()
	return p, nil
}

// Publish sends e and waits for the broker's confirm or the end of ctx.
// It never waits for a connection: while there is none it fails at once.
func (p *Publisher) Publish(ctx context.Context, e application.Event) error {
	msg, err := newPublishing(e)
	if err != nil {
		return err
	}
	ch, err := p.acquire()
	if err != nil {
		return fmt.Errorf("publish event %s: %w", e.ID, err)
	}
	defer p.inflight.Done()

	dc, err := ch.PublishWithDeferredConfirmWithContext(ctx, p.cfg.Exchange, routingKey(p.cfg.Exchange, e.Type), false, false, msg)
	if err != nil {
		return fmt.Errorf("amqp: publish event %s: %w", e.ID, err)
	}
	acked, err := dc.WaitContext(ctx)
	if err != nil {
		return fmt.Errorf("amqp: event %s sent but not confirmed: %w", e.ID, err)
	}
	if !acked {
		// The library reports a closed channel as a nack, and either way
		// the broker may not have the event.
		return fmt.Errorf("amqp: broker did not confirm event %s (nack or channel closed)", e.ID)
	}
	return nil
}

// acquire returns the channel to publish on and counts the caller as in
// flight, so that Close waits for its confirm.
func (p *Publisher) acquire() (*amqp091.Channel, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.closed:
		return nil, errClosed
	case p.ch == nil:
		return nil, fmt.Errorf("%w: %w", errNotConnected, p.downErr)
	case p.blocked != "":
		// A blocked connection stops reading from the socket, so a publish
		// could hang in a write that no context can interrupt.
		return nil, fmt.Errorf("amqp: broker is refusing publishes: %s", p.blocked)
	}
	p.inflight.Add(1)
	return p.ch, nil
}

// Ready reports whether a Publish now would reach the broker, for
// readiness checks and metrics.
func (p *Publisher) Ready() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return !p.closed && p.ch != nil && p.blocked == ""
}

// Close stops reconnecting, lets Publish calls already sent wait for their
// confirms until ctx ends, then closes the connection; a confirm still
// missing then makes its Publish fail, so the caller keeps that event.
// The error says whether any was abandoned. Publish after Close fails.
func (p *Publisher) Close(ctx context.Context) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	p.mu.Unlock()
	close(p.stop)

	var err error
	if waitErr := waitGroup(ctx, &p.inflight); waitErr != nil {
		err = fmt.Errorf("amqp: closed before every confirm arrived: %w", waitErr)
	}

	p.mu.Lock()
	conn := p.conn
	p.conn, p.ch = nil, nil
	p.mu.Unlock()
	if conn != nil {
		deadline, ok := ctx.Deadline()
		if !ok {
			deadline = time.Now().Add(closeGrace)
		}
		if closeErr := conn.CloseDeadline(deadline); closeErr != nil && !errors.Is(closeErr, amqp091.ErrClosed) && err == nil {
			err = fmt.Errorf("amqp: close connection: %w", closeErr)
		}
	}

	// The loop may be inside a dial, which ends by itself within
	// dialTimeout and then closes what it opened; Close need not outlast ctx
	// for it.
	select {
	case <-p.done:
	case <-ctx.Done():
	}
	p.log.Info("event publisher closed")
	return err
}

func waitGroup(ctx context.Context, wg *sync.WaitGroup) error {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
