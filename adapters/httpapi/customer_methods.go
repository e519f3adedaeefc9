package httpapi

import (
	"context"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// The requests of the customer methods, and their endpoints: each decodes
// its request, hands it to its use case with the arguments it could not
// read, and answers what the use case returns.

type pingPayload struct {
	OK     bool   `json:"ok"`
	Answer string `json:"answer" enum:"pong"`
}

// microPing is MicroBase's liveness call, public so gateways and
// orchestrators can call it without a token.
func microPing(application.Application) endpoint {
	return handle(func(context.Context, struct{}, []domain.Problem) (pingPayload, error) {
		return pingPayload{OK: true, Answer: "pong"}, nil
	})
}

type customerCreateRequest struct {
	Email     *string        `json:"email" binding:"required" doc:"Trimmed and lower-cased; unique across customers."`
	Password  *string        `json:"password" binding:"required" format:"password" note:"8–72 bytes"`
	FirstName *string        `json:"firstName" binding:"required"`
	LastName  *string        `json:"lastName" binding:"required"`
	Status    *string        `json:"status" enum:"ACTIVE,INACTIVE"`
	Tags      *stringList    `json:"tags" doc:"Duplicates are dropped, order kept."`
	Addresses []addressInput `json:"addresses"`
}

func customerCreate(app application.Application) endpoint {
	return handle(func(ctx context.Context, req customerCreateRequest, unread []domain.Problem) (customerPayload, error) {
		in := domain.NewCustomerInput{
			Email: value(req.Email), Password: value(req.Password), FirstName: value(req.FirstName),
			LastName: value(req.LastName), Status: req.Status, Tags: value(req.Tags), Addresses: addressesToDomain(req.Addresses),
		}
		return customerAnswer(app.CreateCustomer.Handle(ctx, application.CreateCustomerCommand{Customer: in, Unread: unread, Key: idempotencyKeyOf(ctx)}))
	})
}

// customerIDRequest names one customer: customer.info and customer.remove.
type customerIDRequest struct {
	ID *string `json:"id" binding:"required"`
}

func customerInfo(app application.Application) endpoint {
	return handle(func(ctx context.Context, req customerIDRequest, unread []domain.Problem) (customerPayload, error) {
		return customerAnswer(app.GetCustomer.Handle(ctx, application.GetCustomerQuery{ID: value(req.ID), Unread: unread}))
	})
}

func customerRemove(app application.Application) endpoint {
	return handle(func(ctx context.Context, req customerIDRequest, unread []domain.Problem) (okPayload, error) {
		return okAnswer(app.RemoveCustomer.Handle(ctx, application.RemoveCustomerCommand{ID: value(req.ID), Unread: unread, Key: idempotencyKeyOf(ctx)}))
	})
}

// customerUpdateRequest holds only the arguments the method documents
// (plus version): anything else a client posts back, such as a whole
// customer object with password, _id or createdAt, is ignored and cannot
// reach the store.
type customerUpdateRequest struct {
	ID        *string     `json:"id" binding:"required"`
	Email     *string     `json:"email"`
	FirstName *string     `json:"firstName"`
	LastName  *string     `json:"lastName"`
	Status    *string     `json:"status" enum:"ACTIVE,INACTIVE"`
	Tags      *stringList `json:"tags" doc:"Replaces the tags; an empty list clears them."`
	Version   *integer    `json:"version" doc:"The version last read; the update applies only if it is still the stored one."`
}

func customerUpdate(app application.Application) endpoint {
	return handle(func(ctx context.Context, req customerUpdateRequest, unread []domain.Problem) (customerPayload, error) {
		changes := domain.CustomerChanges{Email: req.Email, FirstName: req.FirstName, LastName: req.LastName,
			Status: req.Status, Tags: (*[]string)(req.Tags)}
		return customerAnswer(app.UpdateCustomer.Handle(ctx, application.UpdateCustomerCommand{
			ID: value(req.ID), Changes: changes, Version: (*int64)(req.Version), Unread: unread, Key: idempotencyKeyOf(ctx),
		}))
	})
}

// customerCheckCredentialsRequest carries a password, which goes nowhere
// but the use case: it is not logged, and errors never carry it.
type customerCheckCredentialsRequest struct {
	Email    *string `json:"email" binding:"required"`
	Password *string `json:"password" binding:"required" format:"password"`
}

func customerCheckCredentials(app application.Application) endpoint {
	return handle(func(ctx context.Context, req customerCheckCredentialsRequest, unread []domain.Problem) (okPayload, error) {
		cred := application.Credentials{Email: value(req.Email), Password: value(req.Password), Unread: unread}
		return okAnswer(app.CheckCredentials.Handle(ctx, cred))
	})
}
