package httpapi

import (
	"context"

	"github.com/microbase-io/customer-service/adapters/jsonview"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// The requests of the methods that change a password. Each carries a
// secret (a password or a reset token), which goes nowhere but its use
// case: no log line, error answer or event carries it, and a keyed call's
// fingerprint holds it only through a keyed hash (see fingerprint).

type customerChangePasswordRequest struct {
	ID              *string `json:"id" binding:"required"`
	CurrentPassword *string `json:"currentPassword" binding:"required" format:"password" doc:"The password the customer has now; never answered or logged."`
	NewPassword     *string `json:"newPassword" binding:"required" format:"password" note:"8–72 bytes"`
}

func customerChangePassword(app application.Application) endpoint {
	return handle(func(ctx context.Context, req customerChangePasswordRequest, unread []domain.Problem) (customerPayload, error) {
		return customerAnswer(app.ChangePassword.Handle(ctx, application.ChangePasswordCommand{
			ID: value(req.ID), CurrentPassword: value(req.CurrentPassword), NewPassword: value(req.NewPassword),
			Unread: unread, Key: idempotencyKeyOf(ctx),
		}))
	})
}

type customerCreatePasswordTokenRequest struct {
	Email *string `json:"email" binding:"required"`
}

// passwordTokenPayload is the one answer that carries a reset token.
type passwordTokenPayload struct {
	OK        bool               `json:"ok"`
	Token     string             `json:"token" doc:"URL-safe; works once, until expiresAt, and only until a newer token is made or the password changes."`
	ExpiresAt jsonview.Timestamp `json:"expiresAt"`
}

func customerCreatePasswordToken(app application.Application) endpoint {
	return handle(func(ctx context.Context, req customerCreatePasswordTokenRequest, unread []domain.Problem) (passwordTokenPayload, error) {
		grant, err := app.CreatePasswordToken.Handle(ctx, application.CreatePasswordTokenCommand{Email: value(req.Email), Unread: unread})
		if err != nil {
			return passwordTokenPayload{}, err
		}
		return passwordTokenPayload{OK: true, Token: grant.Token, ExpiresAt: jsonview.Timestamp(grant.ExpiresAt)}, nil
	})
}

type customerResetPasswordRequest struct {
	Token       *string `json:"token" binding:"required" format:"password" doc:"What customer.createPasswordToken answered; never answered or logged."`
	NewPassword *string `json:"newPassword" binding:"required" format:"password" note:"8–72 bytes"`
}

func customerResetPassword(app application.Application) endpoint {
	return handle(func(ctx context.Context, req customerResetPasswordRequest, unread []domain.Problem) (customerPayload, error) {
		return customerAnswer(app.ResetPassword.Handle(ctx, application.ResetPasswordCommand{
			Token: value(req.Token), NewPassword: value(req.NewPassword), Unread: unread, Key: idempotencyKeyOf(ctx),
		}))
	})
}
