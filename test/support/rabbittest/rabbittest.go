// Package rabbittest gives tests a real RabbitMQ: its address, a corner of
// it of their own (an exchange and exclusive queues), and a TCP proxy that
// takes the broker away from one client. Tests share one broker; none
// stops it, so each cuts only its own connections.
package rabbittest

import (
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	amqp091 "github.com/rabbitmq/amqp091-go"
)

// URLVariable names the broker the tests use.
const URLVariable = "CUSTOMER_TEST_AMQP_URL"

// DefaultURL is the broker of a developer's machine and of CI: RabbitMQ's
// own defaults on loopback.
const DefaultURL = "amqp://guest:guest@127.0.0.1:5672/"

// Patience bounds waits for what happens in milliseconds when all is well
// (a reconnection's backoff included); reaching it means the behaviour is
// broken, not slow.
const Patience = 30 * time.Second

// URL is the broker's AMQP URI, from URLVariable or DefaultURL.
func URL() string {
	if u := os.Getenv(URLVariable); u != "" {
		return u
	}
	return DefaultURL
}

// probe dials once per test binary, so a missing broker costs one attempt,
// not one per test.
var probe = sync.OnceValue(func() error {
	conn, err := amqp091.DialConfig(URL(), amqp091.Config{Dial: amqp091.DefaultDial(3 * time.Second)})
	if err != nil {
		return err
	}
	return conn.Close()
})

// Require returns the broker's URI, or skips the test with one line saying
// why when no broker answers (fails it under CI=true).
func Require(t testing.TB) string {
	t.Helper()
	if err := probe(); err != nil {
		SkipOrFail(t, "no RabbitMQ at "+Redacted(URL())+" (set "+URLVariable+"): "+strings.Join(strings.Fields(err.Error()), " "))
	}
	return URL()
}

// SkipOrFail skips on a developer's machine but fails under CI=true: a CI
// run must never pass with its broker tests silently skipped.
func SkipOrFail(t testing.TB, reason string) {
	t.Helper()
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		t.Fatal(reason + " (CI=true: broker tests must run)")
	}
	t.Skip(reason)
}

// Redacted is raw without its password, for messages.
func Redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "an unparsable URL"
	}
	return u.Redacted()
}

// Eventually calls f until it returns nil, as a client that retries does,
// and fails the test if it still fails after Patience.
func Eventually(t testing.TB, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(Patience)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still failing after %s: %v", what, Patience, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
