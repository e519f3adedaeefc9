package amqp

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"

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

// customerChange is the data of CREATE and UPDATE.
type customerChange struct {
	New  jsonview.Customer `json:"new"`
	Data map[string]any    `json:"data"`
}

// passwordChange is the data of PASSWORD_CHANGE: the customer alone, as
// neither the password nor anything derived from it may go on the bus.
type passwordChange struct {
	New jsonview.Customer `json:"new"`
}

// addressChange is the data of the address events, which the Node.js
// service names "customer" rather than "new".
type addressChange struct {
	Customer jsonview.Customer `json:"customer"`
	Data     map[string]any    `json:"data"`
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
		return customerChange{New: jsonview.FromCustomer(e.Customer), Data: safeArgs(e.Args)}, nil
	case application.EventAddressCreated, application.EventAddressUpdated, application.EventAddressRemoved:
		if e.Customer == nil {
			return nil, fmt.Errorf("amqp: %s event %s without customer", e.Type, e.ID)
		}
		return addressChange{Customer: jsonview.FromCustomer(e.Customer), Data: safeArgs(e.Args)}, nil
	case application.EventPasswordChanged:
		if e.Customer == nil {
			return nil, fmt.Errorf("amqp: %s event %s without customer", e.Type, e.ID)
		}
		return passwordChange{New: jsonview.FromCustomer(e.Customer)}, nil
	default:
		return nil, fmt.Errorf("amqp: event %s has unknown type %q", e.ID, e.Type)
	}
}

// safeArgs drops a password even though the application never passes one:
// the Node.js service published it in clear, and a message on the bus can
// be read by every consumer, so this adapter is the last place to stop it.
// Missing arguments become {} so consumers always find an object.
func safeArgs(args map[string]any) map[string]any {
	out := maps.Clone(args)
	if out == nil {
		out = map[string]any{}
	}
	delete(out, "password")
	return out
}
