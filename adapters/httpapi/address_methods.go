package httpapi

import (
	"context"

	"github.com/microbase-io/customer-service/adapters/jsonview"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// The requests of the address methods, and their endpoints.

type customerAddressCreateRequest struct {
	CustomerID *string        `json:"customerId" binding:"required"`
	Addresses  []addressInput `json:"addresses" binding:"required" note:"a non-empty list of addresses, without ids"`
}

func customerAddressCreate(app application.Application) endpoint {
	return handle(func(ctx context.Context, req customerAddressCreateRequest, unread []domain.Problem) (customerPayload, error) {
		return customerAnswer(app.AddAddresses.Handle(ctx, application.AddAddressesCommand{
			CustomerID: value(req.CustomerID), Addresses: addressesToDomain(req.Addresses), Unread: unread,
			Key: idempotencyKeyOf(ctx),
		}))
	})
}

// addressIDRequest names one address of a customer: customer.address.info
// and customer.address.remove.
type addressIDRequest struct {
	CustomerID *string `json:"customerId" binding:"required"`
	AddressID  *string `json:"addressId" binding:"required"`
}

type addressPayload struct {
	OK      bool             `json:"ok"`
	Address jsonview.Address `json:"address"`
}

func customerAddressInfo(app application.Application) endpoint {
	return handle(func(ctx context.Context, req addressIDRequest, unread []domain.Problem) (addressPayload, error) {
		a, err := app.GetAddress.Handle(ctx, application.GetAddressQuery{CustomerID: value(req.CustomerID), AddressID: value(req.AddressID), Unread: unread})
		if err != nil {
			return addressPayload{}, err
		}
		return addressPayload{OK: true, Address: jsonview.FromAddress(a)}, nil
	})
}

func customerAddressRemove(app application.Application) endpoint {
	return handle(func(ctx context.Context, req addressIDRequest, unread []domain.Problem) (customerPayload, error) {
		cmd := application.RemoveAddressCommand{CustomerID: value(req.CustomerID), AddressID: value(req.AddressID),
			Unread: unread, Key: idempotencyKeyOf(ctx)}
		return customerAnswer(app.RemoveAddress.Handle(ctx, cmd))
	})
}

type customerAddressUpdateRequest struct {
	CustomerID *string        `json:"customerId" binding:"required"`
	Address    *addressUpdate `json:"address" binding:"required" note:"the new address, with the id of the one it replaces"`
}

func customerAddressUpdate(app application.Application) endpoint {
	return handle(func(ctx context.Context, req customerAddressUpdateRequest, unread []domain.Problem) (customerPayload, error) {
		a := value(req.Address) // none: no id, and an empty address
		return customerAnswer(app.UpdateAddress.Handle(ctx, application.UpdateAddressCommand{
			CustomerID: value(req.CustomerID), AddressID: a.ID, Address: a.toDomain(), Unread: unread, Key: idempotencyKeyOf(ctx),
		}))
	})
}
