package amqp

import (
	"cmp"
	"errors"
	"fmt"
	"time"

	amqp091 "github.com/rabbitmq/amqp091-go"
)

// Defaults for the zero values of Config.
const (
	defaultConnectionName = "customer-service"
	defaultReconnectMin   = 100 * time.Millisecond
	defaultReconnectMax   = 5 * time.Second
)

// Config says where events go. URL and Exchange are required.
type Config struct {
	// URL is the broker's AMQP URI, amqp://user:password@host:5672/vhost.
	URL string
	// Exchange is the durable topic exchange events are published to (the
	// configuration's amqp_exchange); it also prefixes every routing key.
	Exchange string
	// ConnectionName labels the connection in the broker's tools, so an
	// operator can tell which service holds it (customer-service when empty).
	ConnectionName string
	// ReconnectMin and ReconnectMax bound the wait between connection
	// attempts, which doubles (with jitter) from the first to the second
	// (100 ms and 5 s when zero).
	ReconnectMin time.Duration
	ReconnectMax time.Duration
}

// withDefaults also rejects what no retry can fix, so a bad setting stops
// the service at start rather than leaving it retrying forever.
func (c Config) withDefaults() (Config, amqp091.URI, error) {
	if c.URL == "" {
		return c, amqp091.URI{}, errors.New("amqp: no broker URL")
	}
	uri, err := amqp091.ParseURI(c.URL)
	if err != nil {
		// The parser's message can quote the URL, password included.
		return c, amqp091.URI{}, errors.New("amqp: broker URL is not an AMQP URI (amqp://user:password@host:port/vhost)")
	}
	if c.Exchange == "" {
		return c, uri, errors.New("amqp: no exchange to publish to")
	}
	c.ConnectionName = cmp.Or(c.ConnectionName, defaultConnectionName)
	if c.ReconnectMin <= 0 {
		c.ReconnectMin = defaultReconnectMin
	}
	if c.ReconnectMax <= 0 {
		c.ReconnectMax = defaultReconnectMax
	}
	if c.ReconnectMax < c.ReconnectMin {
		return c, uri, fmt.Errorf("amqp: reconnect wait: max %s is below min %s", c.ReconnectMax, c.ReconnectMin)
	}
	return c, uri, nil
}
