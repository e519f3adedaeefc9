package amqp

import (
	"fmt"
	"time"

	"github.com/cenkalti/backoff/v5"
	amqp091 "github.com/rabbitmq/amqp091-go"
	"go.uber.org/zap"
)

// dialTimeout bounds the TCP connect and the AMQP handshake of one attempt,
// so an address that swallows packets costs seconds, not the OS's minutes.
const dialTimeout = 5 * time.Second

// link is one connection with its confirm-mode channel and the
// notifications the loop watches on them.
type link struct {
	conn       *amqp091.Connection
	ch         *amqp091.Channel
	connClosed chan *amqp091.Error
	chClosed   chan *amqp091.Error
	blocked    chan amqp091.Blocking
}

// run keeps a link open until Close. The library's experimental
// Config.Recovery starts only after a first successful dial and gives up
// after a few fixed-interval retries; this loop retries while the
// publisher lives, with capped exponential backoff and jitter so that
// many instances do not reconnect in step after an outage.
func (p *Publisher) run() {
	defer close(p.done)
	wait := &backoff.ExponentialBackOff{
		InitialInterval:     p.cfg.ReconnectMin,
		RandomizationFactor: 0.5,
		Multiplier:          2,
		MaxInterval:         p.cfg.ReconnectMax,
	}
	failures := 0
	for {
		l, err := p.connect()
		if err != nil {
			failures++
			p.setDown(err)
			// One warning per outage; the attempts after it would only
			// repeat it every few seconds.
			if failures == 1 {
				p.log.Warn("cannot connect to the event broker; retrying in the background", zap.Error(err))
			} else {
				p.log.Debug("event broker still unreachable", zap.Int("attempt", failures), zap.Error(err))
			}
			if !p.sleep(min(wait.NextBackOff(), p.cfg.ReconnectMax)) {
				return
			}
			continue
		}
		if !p.install(l) {
			l.close()
			return
		}
		p.log.Info("connected to the event broker", zap.Int("failed_attempts", failures))
		failures = 0
		wait.Reset()

		lost, stopped := p.watch(l)
		if stopped {
			return // Close owns the connection from here
		}
		select {
		case <-p.stop:
			return // the loss is Close closing the connection
		default:
		}
		p.uninstall(l, lost)
		p.log.Warn("lost the link to the event broker; reconnecting", zap.Error(lost))
		// A channel can close on its own (a broker error on it) and leave
		// the connection open; a fresh pair is simpler than mending one.
		l.close()
		if !p.sleep(min(wait.NextBackOff(), p.cfg.ReconnectMax)) {
			return
		}
	}
}

// connect dials and prepares the channel; the exchange is declared on
// every connect because the broker may have lost it (a fresh node, a
// non-durable restore) while the service was away.
func (p *Publisher) connect() (*link, error) {
	conn, err := amqp091.DialConfig(p.cfg.URL, p.dial)
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	l := &link{
		conn:       conn,
		connClosed: conn.NotifyClose(make(chan *amqp091.Error, 1)),
		blocked:    conn.NotifyBlocked(make(chan amqp091.Blocking, 1)),
	}
	if err := l.open(p.cfg.Exchange); err != nil {
		l.close()
		return nil, err
	}
	return l, nil
}

func (l *link) open(exchange string) error {
	ch, err := l.conn.Channel()
	if err != nil {
		return fmt.Errorf("open channel: %w", err)
	}
	l.ch = ch
	l.chClosed = ch.NotifyClose(make(chan *amqp091.Error, 1))
	if err := ch.Confirm(false); err != nil {
		return fmt.Errorf("enable publisher confirms: %w", err)
	}
	if err := ch.ExchangeDeclare(exchange, amqp091.ExchangeTopic, true, false, false, false, nil); err != nil {
		return fmt.Errorf("declare exchange: %w", err)
	}
	return nil
}

// close drops the link within closeGrace; nothing is to be done on failure.
func (l *link) close() { _ = l.conn.CloseDeadline(time.Now().Add(closeGrace)) }

// watch blocks until the link fails or Close is called, and keeps the
// broker's blocked/unblocked state up to date meanwhile.
func (p *Publisher) watch(l *link) (lost error, stopped bool) {
	blocked := l.blocked
	for {
		select {
		case <-p.stop:
			return nil, true
		case e := <-l.connClosed:
			return closeReason("connection", e), false
		case e := <-l.chClosed:
			return closeReason("channel", e), false
		case b, ok := <-blocked:
			if !ok {
				blocked = nil // closed with the connection; connClosed reports it
				continue
			}
			p.setBlocked(b)
		}
	}
}

// closeReason avoids wrapping a nil *amqp091.Error, which the library
// sends for a close nobody reported a reason for.
func closeReason(what string, e *amqp091.Error) error {
	if e == nil {
		return fmt.Errorf("%s closed", what)
	}
	return fmt.Errorf("%s closed: %w", what, e)
}

// install makes l the link Publish uses, unless Close came first.
func (p *Publisher) install(l *link) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.conn, p.ch, p.blocked, p.downErr = l.conn, l.ch, "", nil
	return true
}

func (p *Publisher) uninstall(l *link, why error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn == l.conn {
		p.conn, p.ch, p.blocked = nil, nil, ""
	}
	p.downErr = why
}

func (p *Publisher) setDown(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.downErr = err
}

func (p *Publisher) setBlocked(b amqp091.Blocking) {
	reason := ""
	if b.Active {
		reason = b.Reason
		if reason == "" {
			reason = "blocked"
		}
		p.log.Warn("event broker is refusing publishes", zap.String("reason", reason))
	} else {
		p.log.Info("event broker accepts publishes again")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.blocked = reason
}

// sleep waits d and reports false if Close was called meanwhile.
func (p *Publisher) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-p.stop:
		return false
	}
}
