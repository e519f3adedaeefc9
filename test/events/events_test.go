// Package events checks the customer events end to end: the whole service,
// booted as main boots it and driven over HTTP, publishing to a real
// RabbitMQ, read back by a consumer as a MicroBase service would read them.
// Each test has its own exchange, so tests share one broker.
package events

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	amqp091 "github.com/rabbitmq/amqp091-go"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/test/support/rabbittest"
	"github.com/microbase-io/customer-service/test/support/servicetest"
)

// password is every test customer's; it must never reach the bus.
const password = "s3cret-pass"

// brokerEnv points a service at the broker (through url, which may be a
// proxy's) and at the test's exchange. The request timeout is raised
// because these tests count on every write answering ok, and a loaded
// machine running the embedded store under the race detector can take
// longer than the production deadline.
func brokerEnv(b *rabbittest.Broker, url string, more ...string) []string {
	return append([]string{
		"CUSTOMER_AMQP_URL=" + url, "CUSTOMER_AMQP_EXCHANGE=" + b.Exchange, "CUSTOMER_REQUEST_TIMEOUT=1m",
	}, more...)
}

// message is one delivery as a consumer reads it.
type message struct {
	d          amqp091.Delivery
	Arrival    int // 1 for the first message a test read, and so on
	Type       string
	ID         string
	Version    int64
	Timestamp  time.Time
	CustomerID string
	Data       any // the body's "data"
}

func (m message) String() string {
	return fmt.Sprintf("%s v%d of %s (event %s)", m.Type, m.Version, m.CustomerID, m.ID)
}

// decode reads a delivery and checks what every message must be:
// persistent JSON under <exchange>.<type>, its id also the AMQP message
// id, the MicroBase keys and no trace of a password.
func decode(t *testing.T, exchange string, d amqp091.Delivery) message {
	t.Helper()
	var body struct {
		Type      string          `json:"type"`
		Data      json.RawMessage `json:"data"`
		ID        string          `json:"id"`
		Version   *int64          `json:"version"`
		Timestamp string          `json:"timestamp"`
	}
	dec := json.NewDecoder(bytes.NewReader(d.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		t.Fatalf("message %q: %v", d.Body, err)
	}
	m := message{d: d, Type: body.Type, ID: body.ID}
	if body.Type == "" || body.ID == "" || body.Version == nil || len(body.Data) == 0 {
		t.Fatalf("message lacks type, id, version or data: %s", d.Body)
	}
	m.Version = *body.Version
	ts, err := time.Parse(time.RFC3339Nano, body.Timestamp)
	if err != nil {
		t.Fatalf("timestamp %q: %v", body.Timestamp, err)
	}
	m.Timestamp = ts
	if err := json.Unmarshal(body.Data, &m.Data); err != nil {
		t.Fatal(err)
	}
	switch data := m.Data.(type) {
	case string: // REMOVE: the id
		m.CustomerID = data
	case map[string]any:
		for _, key := range []string{"new", "customer"} {
			if c, ok := data[key].(map[string]any); ok {
				m.CustomerID, _ = c["id"].(string)
			}
		}
	}
	if m.CustomerID == "" {
		t.Fatalf("message names no customer: %s", d.Body)
	}

	if want := exchange + "." + m.Type; d.RoutingKey != want {
		t.Errorf("%s: routing key %q, want %q", m, d.RoutingKey, want)
	}
	if d.MessageId != m.ID {
		t.Errorf("%s: AMQP message id %q, want the event id", m, d.MessageId)
	}
	if d.DeliveryMode != amqp091.Persistent || d.ContentType != "application/json" {
		t.Errorf("%s: delivery mode %d, content type %q; want persistent JSON", m, d.DeliveryMode, d.ContentType)
	}
	for _, secret := range []string{"password", password, "$2a$"} {
		if bytes.Contains(d.Body, []byte(secret)) {
			t.Errorf("%s carries %q: %s", m, secret, d.Body)
		}
	}
	return m
}

func decodeAll(t *testing.T, exchange string, ds []amqp091.Delivery) []message {
	t.Helper()
	out := make([]message, len(ds))
	for i, d := range ds {
		out[i] = decode(t, exchange, d)
		out[i].Arrival = i + 1
	}
	return out
}

// tally is what a consumer that deduplicates by event id makes of the
// messages it received.
type tally struct {
	received   int
	duplicates []message                   // second and later copies
	byCustomer map[string][]message        // first copies, in arrival order
	copies     map[string][]message        // every copy, by event id
	versions   map[string]map[int64]string // customer -> version -> event id
}

func count(t *testing.T, msgs []message) tally {
	t.Helper()
	tl := tally{
		received: len(msgs), byCustomer: map[string][]message{},
		copies: map[string][]message{}, versions: map[string]map[int64]string{},
	}
	for _, m := range msgs {
		tl.copies[m.ID] = append(tl.copies[m.ID], m)
		if len(tl.copies[m.ID]) > 1 {
			tl.duplicates = append(tl.duplicates, m)
			if first := tl.copies[m.ID][0]; first.Type != m.Type || first.Version != m.Version || first.CustomerID != m.CustomerID {
				t.Errorf("event %s delivered twice as different changes: %s, then %s", m.ID, first, m)
			}
			continue
		}
		tl.byCustomer[m.CustomerID] = append(tl.byCustomer[m.CustomerID], m)
		if tl.versions[m.CustomerID] == nil {
			tl.versions[m.CustomerID] = map[int64]string{}
		}
		if other, ok := tl.versions[m.CustomerID][m.Version]; ok {
			t.Errorf("two events for version %d of %s: %s and %s", m.Version, m.CustomerID, other, m.ID)
		}
		tl.versions[m.CustomerID][m.Version] = m.ID
	}
	return tl
}

// lost counts the events of want (customer id -> event types in write
// order) that never arrived, and checks that each customer's arrived in
// write order, at versions 0, 1, 2...
func (tl tally) lost(t *testing.T, want map[string][]application.EventType) int {
	t.Helper()
	lost := 0
	for id, types := range want {
		got := tl.byCustomer[id]
		for v, typ := range types {
			if v >= len(got) {
				lost++
				continue
			}
			if got[v].Version != int64(v) || got[v].Type != string(typ) {
				t.Errorf("customer %s: event %d arrived as %s, want %s v%d (arrival order must be write order)", id, v, got[v], typ, v)
			}
		}
		if len(got) > len(types) {
			t.Errorf("customer %s: %d events, want %d", id, len(got), len(types))
		}
	}
	for id := range tl.byCustomer {
		if _, ok := want[id]; !ok {
			t.Errorf("events of customer %s, who was never written", id)
		}
	}
	return lost
}

func (tl tally) distinct() int { return len(tl.copies) }

// describe names the duplicated events and when each copy arrived, for
// the test log.
func (tl tally) describe() string {
	if len(tl.duplicates) == 0 {
		return "none"
	}
	var parts []string
	for _, m := range tl.duplicates {
		if tl.copies[m.ID][1].Arrival != m.Arrival {
			continue // a third copy: named with the second
		}
		var arrivals []string
		for _, c := range tl.copies[m.ID] {
			arrivals = append(arrivals, fmt.Sprintf("#%d", c.Arrival))
		}
		parts = append(parts, fmt.Sprintf("%s, arrivals %s", m, strings.Join(arrivals, " and ")))
	}
	slices.Sort(parts)
	return strings.Join(parts, "; ")
}

func total(want map[string][]application.EventType) int {
	n := 0
	for _, types := range want {
		n += len(types)
	}
	return n
}

// awaitEmptyOutbox waits until every event written is published and
// acknowledged. A confirmed event is in its queue, so the queue then
// holds all that will ever arrive, and can be read without waiting. It
// gives up only when no customer's events have gone out for Patience:
// a long backlog on a slow machine is not a failure, a stuck one is.
func awaitEmptyOutbox(t *testing.T, outbox application.Outbox) {
	t.Helper()
	deadline := time.Now().Add(rabbittest.Patience)
	least := int64(-1)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		n, err := outbox.Backlog(ctx)
		cancel()
		switch {
		case err == nil && n == 0:
			return
		case err == nil && (least < 0 || n < least):
			least, deadline = n, time.Now().Add(rabbittest.Patience)
		case time.Now().After(deadline):
			t.Fatalf("%d customers still have events waiting, and none went out for %s (last error: %v)", least, rabbittest.Patience, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The writes of the tests, over HTTP.

func create(t *testing.T, svc servicetest.Client, email string) string {
	t.Helper()
	return svc.Call(t, "customer.create", map[string]any{
		"email": email, "password": password, "firstName": "Ada", "lastName": "Lovelace",
	}).Customer(t)["id"].(string)
}

func update(t *testing.T, svc servicetest.Client, id, lastName string) {
	t.Helper()
	svc.Call(t, "customer.update", map[string]any{"id": id, "lastName": lastName, "tags": []string{"VIP"}}).Customer(t)
}

var home = map[string]any{
	"name": "Home", "firstName": "Ada", "address_1": "2 Main Street", "postCode": "61702",
	"city": "Bloomington", "state": "Illinois", "country": "US", "phone": 2173203531,
}

// addAddress adds home and returns its id.
func addAddress(t *testing.T, svc servicetest.Client, id string) string {
	t.Helper()
	c := svc.Call(t, "customer.address.create", map[string]any{"customerId": id, "addresses": []any{home}}).Customer(t)
	addresses := c["addresses"].([]any)
	return addresses[len(addresses)-1].(map[string]any)["id"].(string)
}

func moveAddress(t *testing.T, svc servicetest.Client, id, addressID, street string) {
	t.Helper()
	moved := map[string]any{"id": addressID}
	for k, v := range home {
		moved[k] = v
	}
	moved["address_1"] = street
	svc.Call(t, "customer.address.update", map[string]any{"customerId": id, "address": moved}).Customer(t)
}

func removeAddress(t *testing.T, svc servicetest.Client, id, addressID string) {
	t.Helper()
	svc.Call(t, "customer.address.remove", map[string]any{"customerId": id, "addressId": addressID}).Customer(t)
}

func remove(t *testing.T, svc servicetest.Client, id string) {
	t.Helper()
	if a := svc.Call(t, "customer.remove", map[string]any{"id": id}); a.Status != 200 || a.Body["ok"] != true {
		t.Fatalf("customer.remove answered %d %s", a.Status, a.Raw)
	}
}
