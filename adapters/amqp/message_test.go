package amqp

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	amqp091 "github.com/rabbitmq/amqp091-go"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

const storedHash = "$2a$10$abcdefghijklmnopqrstuuJ4Vm3ZmYt0fhNcXuUa1Oqk4yUCcm2u6"

func sampleCustomer() *domain.Customer {
	phone := int64(2173203531)
	created := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	return domain.RestoreCustomer(domain.CustomerSnapshot{
		ID:           "HkhhuXESl",
		Email:        "john.doe@gmail.com",
		PasswordHash: storedHash,
		FirstName:    "John",
		LastName:     "Doe",
		Status:       "ACTIVE",
		Tags:         []string{"VIP"},
		Addresses: []domain.Address{{ID: "r1h2uQ4rx", AddressInput: domain.AddressInput{
			Name: "Work", FirstName: "John", Address1: "1650 Bolman Court",
			PostCode: "61701", City: "Bloomington", State: "Illinois", Country: "US", Phone: &phone,
		}}},
		Version:   3,
		CreatedAt: created,
		UpdatedAt: created.Add(time.Hour),
	})
}

const sampleCustomerJSON = `{
	"email": "john.doe@gmail.com", "firstName": "John", "lastName": "Doe",
	"status": "ACTIVE", "tags": ["VIP"],
	"addresses": [{"name": "Work", "firstName": "John", "address_1": "1650 Bolman Court",
		"postCode": "61701", "city": "Bloomington", "state": "Illinois", "country": "US",
		"phone": 2173203531, "id": "r1h2uQ4rx"}],
	"id": "HkhhuXESl", "version": 3,
	"createdAt": "2026-03-04T05:06:07.000Z", "updatedAt": "2026-03-04T06:06:07.000Z"}`

// sampleEvent is an event of type t as the application records it; the
// time is not in UTC, to show that messages are.
func sampleEvent(t application.EventType) application.Event {
	e := application.Event{
		ID:         "evt-" + strings.ToLower(string(t)),
		Type:       t,
		CustomerID: "HkhhuXESl",
		Version:    3,
		OccurredAt: time.Date(2026, 3, 4, 7, 6, 7, 89_654_321, time.FixedZone("CET", 3600)),
		Customer:   sampleCustomer(),
		Args:       json.RawMessage(`{"firstName":"John"}`),
	}
	if t == application.EventRemoved {
		e.Customer, e.Args = nil, nil
	}
	return e
}

// wantBodies are the bodies MicroBase consumers expect, plus id, version
// and timestamp.
var wantBodies = map[application.EventType]string{
	application.EventCreated: `{"type": "CREATE", "data": {"new": ` + sampleCustomerJSON + `, "data": {"firstName": "John"}},
		"id": "evt-create", "version": 3, "timestamp": "2026-03-04T06:06:07.089Z"}`,
	application.EventUpdated: `{"type": "UPDATE", "data": {"new": ` + sampleCustomerJSON + `, "data": {"firstName": "John"}},
		"id": "evt-update", "version": 3, "timestamp": "2026-03-04T06:06:07.089Z"}`,
	application.EventRemoved: `{"type": "REMOVE", "data": "HkhhuXESl",
		"id": "evt-remove", "version": 3, "timestamp": "2026-03-04T06:06:07.089Z"}`,
	application.EventAddressCreated: `{"type": "CUSTOMER_ADDRESS_CREATE", "data": {"customer": ` + sampleCustomerJSON + `, "data": {"firstName": "John"}},
		"id": "evt-customer_address_create", "version": 3, "timestamp": "2026-03-04T06:06:07.089Z"}`,
	application.EventAddressUpdated: `{"type": "CUSTOMER_ADDRESS_UPDATE", "data": {"customer": ` + sampleCustomerJSON + `, "data": {"firstName": "John"}},
		"id": "evt-customer_address_update", "version": 3, "timestamp": "2026-03-04T06:06:07.089Z"}`,
	application.EventAddressRemoved: `{"type": "CUSTOMER_ADDRESS_REMOVE", "data": {"customer": ` + sampleCustomerJSON + `, "data": {"firstName": "John"}},
		"id": "evt-customer_address_remove", "version": 3, "timestamp": "2026-03-04T06:06:07.089Z"}`,
	application.EventPasswordChanged: `{"type": "PASSWORD_CHANGE", "data": {"new": ` + sampleCustomerJSON + `},
		"id": "evt-password_change", "version": 3, "timestamp": "2026-03-04T06:06:07.089Z"}`,
}

var allEventTypes = []application.EventType{
	application.EventCreated, application.EventUpdated, application.EventRemoved,
	application.EventAddressCreated, application.EventAddressUpdated, application.EventAddressRemoved,
	application.EventPasswordChanged,
}

// compactJSON is the byte-exact form a body must have: same keys, same
// order, no whitespace.
func compactJSON(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatalf("expected JSON is invalid: %v", err)
	}
	return b.String()
}

// checkSafeMessage is what every consumer must be able to rely on.
func checkSafeMessage(t *testing.T, body []byte) {
	t.Helper()
	for _, secret := range []string{`"password"`, storedHash} {
		if bytes.Contains(body, []byte(secret)) {
			t.Errorf("message carries %q: %s", secret, body)
		}
	}
}

func TestEventBodiesKeepTheMicroBaseShape(t *testing.T) {
	for _, typ := range allEventTypes {
		t.Run(string(typ), func(t *testing.T) {
			msg, err := newPublishing(sampleEvent(typ))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := string(msg.Body), compactJSON(t, wantBodies[typ]); got != want {
				t.Errorf("body\n got %s\nwant %s", got, want)
			}
			checkSafeMessage(t, msg.Body)
		})
	}
}

func TestMessagesAreDurableJSONThatConsumersCanDeduplicate(t *testing.T) {
	e := sampleEvent(application.EventUpdated)
	msg, err := newPublishing(e)
	if err != nil {
		t.Fatal(err)
	}
	if msg.MessageId != e.ID {
		t.Errorf("MessageId %q, want the event id %q", msg.MessageId, e.ID)
	}
	if msg.DeliveryMode != amqp091.Persistent {
		t.Errorf("DeliveryMode %d, want persistent (%d)", msg.DeliveryMode, amqp091.Persistent)
	}
	if msg.ContentType != "application/json" {
		t.Errorf("ContentType %q, want application/json", msg.ContentType)
	}
	if !msg.Timestamp.Equal(e.OccurredAt) {
		t.Errorf("Timestamp %v, want %v", msg.Timestamp, e.OccurredAt)
	}
}

// The arguments go out as the store recorded them: in their order, with
// their numbers as written, not decoded and encoded again.
func TestArgumentsArePublishedAsRecorded(t *testing.T) {
	e := sampleEvent(application.EventAddressCreated)
	e.Args = json.RawMessage(`{"customerId":"HkhhuXESl", "addresses":[{"phone":217320353100000,"id":"a1"}]}`)
	msg, err := newPublishing(e)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(msg.Body, []byte(`"data":{"customerId":"HkhhuXESl","addresses":[{"phone":217320353100000,"id":"a1"}]}}`)) {
		t.Errorf("arguments not as recorded: %s", msg.Body)
	}
}

func TestMissingArgumentsAreSentAsAnEmptyObject(t *testing.T) {
	e := sampleEvent(application.EventAddressRemoved)
	e.Args = nil
	msg, err := newPublishing(e)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(msg.Body, []byte(`"data":{}}`)) {
		t.Errorf("arguments not an empty object: %s", msg.Body)
	}
}

func TestEventsThatCanNeverBePublishedAreRefused(t *testing.T) {
	tests := []struct {
		name  string
		spoil func(*application.Event)
	}{
		{"no id", func(e *application.Event) { e.ID = "" }},
		{"no time", func(e *application.Event) { e.OccurredAt = time.Time{} }},
		{"unknown type", func(e *application.Event) { e.Type = "MERGE" }},
		{"update without customer", func(e *application.Event) { e.Customer = nil }},
		{"address event without customer", func(e *application.Event) {
			e.Type, e.Customer = application.EventAddressCreated, nil
		}},
		{"remove without customer id", func(e *application.Event) {
			e.Type, e.CustomerID = application.EventRemoved, ""
		}},
		{"arguments that are not JSON", func(e *application.Event) { e.Args = json.RawMessage(`{"f":`) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := sampleEvent(application.EventUpdated)
			tt.spoil(&e)
			if _, err := newPublishing(e); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestRoutingKeyIsTheExchangeDotTheType(t *testing.T) {
	if got := routingKey("CUSTOMERS", application.EventAddressUpdated); got != "CUSTOMERS.CUSTOMER_ADDRESS_UPDATE" {
		t.Errorf("routing key %q", got)
	}
}
