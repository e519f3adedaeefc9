package amqp

import (
	"encoding/json"
	"errors"
	"fmt"

	amqp091 "github.com/rabbitmq/amqp091-go"

	"github.com/microbase-io/customer-service/adapters/jsonview"
	"github.com/microbase-io/customer-service/application"
)

// envelope is the body MicroBase consumers already read ({"type", "data"});
// id, version and timestamp are additions that let a consumer drop
// redeliveries and changes older than one it has seen, and that old
// consumers ignore.
type envelope struct {
	Type      application.EventType `json:"type"`
	Data      any                   `json:"data"`
	ID        string                `json:"id"`
	Version   int64                 `json:"version"`
	Timestamp string                `json:"timestamp"`
}

// customerChange is the data of CREATE and UPDATE; Data is the event's
// arguments as recorded (jsonview.EventArgs).
type customerChange struct {
	New  jsonview.Customer `json:"new"`
	Data json.RawMessage   `json:"data"`
}

// passwordChange is the data of PASSWORD_CHANGE: the customer alone, as
// neither the password nor anything derived from it may go on the bus.
type passwordChange struct {
	New jsonview.Customer `json:"new"`
}

// addressChange is the data of the address events, whose customer
// MicroBase consumers read under "customer" rather than "new".
type addressChange struct {
	Customer jsonview.Customer `json:"customer"`
	Data     json.RawMessage   `json:"data"`
}

// routingKey is what consumers bind to: the exchange, a dot, the type.
func routingKey(exchange string, t application.EventType) string {
	return exchange + "." + string(t)
}

// newPublishing turns an event into the message consumers receive. An
// error means the event itself is wrong and will never publish as it is.
func newPublishing(e application.Event) (amqp091.Publishing, error) {
	if e.ID == "" {
		return amqp091.Publishing{}, errors.New("amqp: event without id")
	}
	if e.OccurredAt.IsZero() {
		return amqp091.Publishing{}, fmt.Errorf("amqp: event %s without time", e.ID)
	}
	data, err := eventData(e)
	if err != nil {
		return amqp091.Publishing{}, err
	}
	body, err := json.Marshal(envelope{
		Type:      e.Type,
		Data:      data,
		ID:        e.ID,
		Version:   e.Version,
		Timestamp: e.OccurredAt.UTC().Format(jsonview.Layout),
	})
	if err != nil {
		return amqp091.Publishing{}, fmt.Errorf("amqp: encode event %s: %w", e.ID, err)
	}
	return amqp091.Publishing{
		ContentType:  "application/json",
		DeliveryMode: amqp091.Persistent,
		MessageId:    e.ID,
		Timestamp:    e.OccurredAt.UTC(),
		Type:         string(e.Type),
		Body:         body,
	}, nil
}

func eventData(e application.Event) (any, error) {
	switch e.Type {
	case application.EventRemoved:
		if e.CustomerID == "" {
			return nil, fmt.Errorf("amqp: %s event %s without customer id", e.Type, e.ID)
		}
		return e.CustomerID, nil
	case application.EventCreated, application.EventUpdated:
		if e.Customer == nil {
			return nil, fmt.Errorf("amqp: %s event %s without customer", e.Type, e.ID)
		}
		return customerChange{New: jsonview.FromCustomer(e.Customer), Data: args(e)}, nil
	case application.EventAddressCreated, application.EventAddressUpdated, application.EventAddressRemoved:
		if e.Customer == nil {
			return nil, fmt.Errorf("amqp: %s event %s without customer", e.Type, e.ID)
		}
		return addressChange{Customer: jsonview.FromCustomer(e.Customer), Data: args(e)}, nil
	case application.EventPasswordChanged:
		if e.Customer == nil {
			return nil, fmt.Errorf("amqp: %s event %s without customer", e.Type, e.ID)
		}
		return passwordChange{New: jsonview.FromCustomer(e.Customer)}, nil
	default:
		return nil, fmt.Errorf("amqp: event %s has unknown type %q", e.ID, e.Type)
	}
}

// args are e's arguments, {} when it has none, so that consumers always
// find an object.
func args(e application.Event) json.RawMessage {
	if len(e.Args) == 0 {
		return json.RawMessage("{}")
	}
	return e.Args
}
