package application_test

import (
	"context"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
	"github.com/microbase-io/customer-service/test/support/sqlitetest"
)

// A call with arguments the adapter could not read is answered with them
// first, then the rules the other arguments break, and writes nothing.
func TestUseCases_AnswerUnreadArgumentsWithTheRulesAndWriteNothing(t *testing.T) {
	repo, clock, c := seed(t)
	app := newApp(t, repo, clock, bcrypt.MinCost)
	ctx := context.Background()
	unread := func(field string) []domain.Problem {
		return []domain.Problem{{Field: field, Message: "must be a string"}}
	}
	tests := []struct {
		name string
		call func() error
		want []string
	}{
		{"create", func() error {
			_, err := app.CreateCustomer.Handle(ctx, application.CreateCustomerCommand{
				Customer: domain.NewCustomerInput{Email: "new@example.com", Password: "short", LastName: "X"},
				Unread:   unread("firstName"),
			})
			return err
		}, []string{"firstName: must be a string", "password: must be 8 to 72 bytes long"}},
		{"info", func() error {
			_, err := app.GetCustomer.Handle(ctx, application.GetCustomerQuery{Unread: unread("id")})
			return err
		}, []string{"id: must be a string"}},
		{"update", func() error {
			_, err := app.UpdateCustomer.Handle(ctx, application.UpdateCustomerCommand{
				ID: c.ID(), Changes: domain.CustomerChanges{LastName: new("Smith"), Status: new("active")}, Unread: unread("email"),
			})
			return err
		}, []string{"email: must be a string", "status: must be ACTIVE or INACTIVE"}},
		{"remove", func() error {
			return app.RemoveCustomer.Handle(ctx, application.RemoveCustomerCommand{ID: c.ID(), Unread: unread("x")})
		}, []string{"x: must be a string"}},
		{"list", func() error {
			_, err := app.ListCustomers.Handle(ctx, application.ListCustomersQuery{Skip: new(int64(-1)), Unread: unread("limit")}, func(*domain.Customer) error { return nil })
			return err
		}, []string{"limit: must be a string", "skip: must not be negative"}},
		{"checkCredentials", func() error {
			return app.CheckCredentials.Handle(ctx, application.Credentials{Email: "john.doe@gmail.com", Unread: unread("password")})
		}, []string{"password: must be a string"}},
		{"changePassword", func() error {
			_, err := app.ChangePassword.Handle(ctx, application.ChangePasswordCommand{ID: c.ID(), CurrentPassword: "s3cret-pass", NewPassword: "short", Unread: unread("currentPassword")})
			return err
		}, []string{"currentPassword: must be a string", "newPassword: must be 8 to 72 bytes long"}},
		{"createPasswordToken", func() error {
			_, err := app.CreatePasswordToken.Handle(ctx, application.CreatePasswordTokenCommand{Unread: unread("email")})
			return err
		}, []string{"email: must be a string"}},
		{"resetPassword", func() error {
			_, err := app.ResetPassword.Handle(ctx, application.ResetPasswordCommand{NewPassword: "long enough", Unread: unread("token")})
			return err
		}, []string{"token: must be a string"}},
		{"address.create", func() error {
			_, err := app.AddAddresses.Handle(ctx, application.AddAddressesCommand{CustomerID: c.ID(),
				Unread: []domain.Problem{{Field: "addresses[0].phone", Message: "must be a number"}}})
			return err
		}, []string{"addresses[0].phone: must be a number"}},
		{"address.info", func() error {
			_, err := app.GetAddress.Handle(ctx, application.GetAddressQuery{CustomerID: " " + c.ID(), Unread: unread("addressId")})
			return err
		}, []string{"addressId: must be a string", "customerId: must not have surrounding spaces"}},
		{"address.update", func() error {
			_, err := app.UpdateAddress.Handle(ctx, application.UpdateAddressCommand{CustomerID: c.ID(), Unread: unread("address.id")})
			return err
		}, []string{"address.id: must be a string"}},
		{"address.remove", func() error {
			_, err := app.RemoveAddress.Handle(ctx, application.RemoveAddressCommand{AddressID: "a", Unread: unread("customerId")})
			return err
		}, []string{"customerId: must be a string"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantValidation(t, tt.call(), tt.want...)
			stored, err := repo.Get(ctx, c.ID())
			if err != nil || stored.Version() != c.Version() {
				t.Fatalf("the customer was written: %v, %v", stored, err)
			}
			if all := sqlitetest.Customers(t, repo); len(all) != 1 {
				t.Fatalf("the store holds %d customers, want the one seeded", len(all))
			}
		})
	}
}
