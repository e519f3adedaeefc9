package httpapi

import (
	"github.com/microbase-io/customer-service/adapters/jsonview"
	"github.com/microbase-io/customer-service/domain"
)

// customerPayload is the answer of the methods that return a customer.
type customerPayload struct {
	OK       bool              `json:"ok"`
	Customer jsonview.Customer `json:"customer"`
}

func customerAnswer(c *domain.Customer, err error) (customerPayload, error) {
	if err != nil {
		return customerPayload{}, err
	}
	return customerPayload{OK: true, Customer: jsonview.FromCustomer(c)}, nil
}

// okPayload is the answer of the methods that return nothing but success.
type okPayload struct {
	OK bool `json:"ok"`
}

func okAnswer(err error) (okPayload, error) {
	return okPayload{OK: err == nil}, err
}
