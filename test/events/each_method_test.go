package events

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"go.uber.org/fx"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/test/support/rabbittest"
	"github.com/microbase-io/customer-service/test/support/servicetest"
)

// Every write method announces its change: one message per write, in
// write order, under <exchange>.<TYPE>, with the MicroBase body and the
// customer as stored after that write (for REMOVE, the id).
func TestEachWriteMethodAnnouncesItsChangeInTheMicroBaseShape(t *testing.T) {
	b := rabbittest.New(t)
	q := b.BindQueue(t, b.Exchange+".#", nil)
	var outbox application.Outbox
	svc := servicetest.StartWith(t, []fx.Option{fx.Populate(&outbox)}, brokerEnv(b, b.URL)...)

	var id, addressID string
	steps := []struct {
		typ   application.EventType
		write func()
		// args is the expected "data.data", as JSON.
		args func() string
	}{
		{application.EventCreated,
			func() {
				id = svc.Call(t, "customer.create", map[string]any{
					"email": "Ada@Example.com", "password": password, "firstName": "Ada", "lastName": "Lovelace", "tags": []string{"VIP"},
				}).Customer(t)["id"].(string)
			},
			func() string {
				return `{"email":"ada@example.com","firstName":"Ada","lastName":"Lovelace","status":"ACTIVE","tags":["VIP"],"addresses":[]}`
			}},
		{application.EventUpdated,
			func() { update(t, svc.Client, id, "King") },
			func() string { return `{"id":"` + id + `","lastName":"King","tags":["VIP"]}` }},
		{application.EventAddressCreated,
			func() { addressID = addAddress(t, svc.Client, id) },
			func() string {
				return `{"customerId":"` + id + `","addresses":[{"id":"` + addressID + `","name":"Home","firstName":"Ada",` +
					`"address_1":"2 Main Street","postCode":"61702","city":"Bloomington","state":"Illinois","country":"US","phone":2173203531}]}`
			}},
		{application.EventAddressUpdated,
			func() { moveAddress(t, svc.Client, id, addressID, "3 Main Street") },
			func() string {
				return `{"customerId":"` + id + `","address":{"id":"` + addressID + `","name":"Home","firstName":"Ada",` +
					`"address_1":"3 Main Street","postCode":"61702","city":"Bloomington","state":"Illinois","country":"US","phone":2173203531}}`
			}},
		{application.EventAddressRemoved,
			func() { removeAddress(t, svc.Client, id, addressID) },
			func() string { return `{"customerId":"` + id + `","addressId":"` + addressID + `"}` }},
		{application.EventRemoved,
			func() { remove(t, svc.Client, id) },
			nil},
	}

	var last time.Time
	for version, step := range steps {
		before := time.Now().Truncate(time.Millisecond)
		step.write()
		m := decode(t, b.Exchange, b.Await(t, q, 1)[0])
		after := time.Now()

		if m.Type != string(step.typ) || m.Version != int64(version) || m.CustomerID != id {
			t.Fatalf("after %s v%d of %s: got %s", step.typ, version, id, m)
		}
		if m.Timestamp.Before(before) || m.Timestamp.After(after) || m.Timestamp.Before(last) {
			t.Errorf("%s: timestamp %s is not the time of its write (between %s and %s, not before the previous event's)",
				m, m.Timestamp, before, after)
		}
		last = m.Timestamp

		if step.typ == application.EventRemoved {
			if m.Data != id {
				t.Errorf("%s: data %v, want the removed id", m, m.Data)
			}
			continue
		}
		data, ok := m.Data.(map[string]any)
		customerKey := "new"
		if step.typ != application.EventCreated && step.typ != application.EventUpdated {
			customerKey = "customer"
		}
		if !ok || len(data) != 2 || data[customerKey] == nil || data["data"] == nil {
			t.Fatalf("%s: data %v, want {%q: <customer>, \"data\": <arguments>}", m, m.Data, customerKey)
		}
		// The customer of the event is the customer as stored, which
		// customer.info answers.
		stored := svc.Call(t, "customer.info", map[string]any{"id": id}).Customer(t)
		if !reflect.DeepEqual(data[customerKey], stored) {
			t.Errorf("%s: customer\n got %v\nwant %v (customer.info)", m, data[customerKey], stored)
		}
		if stored["version"] != float64(version) {
			t.Errorf("%s: the customer is at version %v", m, stored["version"])
		}
		var wantArgs any
		if err := json.Unmarshal([]byte(step.args()), &wantArgs); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(data["data"], wantArgs) {
			t.Errorf("%s: arguments\n got %v\nwant %v", m, data["data"], wantArgs)
		}
	}

	// Nothing else is published: no second copy, and the removed
	// customer's tombstone is gone once its REMOVE is out.
	awaitEmptyOutbox(t, outbox)
	if n := b.Depth(t, q); n != 0 {
		t.Errorf("%d more messages after the six events", n)
	}
	svc.Call(t, "customer.info", map[string]any{"id": id}).Error(t, 404, "customer_not_found")
}
