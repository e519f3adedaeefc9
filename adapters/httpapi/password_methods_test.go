package httpapi_test

import (
	"net/http"
	"strconv"
	"testing"
)

const (
	changedPassword = "changed-s3cret-pass"
	resetPassword   = "reset-s3cret-pass"
)

func (a *api) signsIn(t *testing.T, email, password string) bool {
	t.Helper()
	got := a.call(t, "customer.checkCredentials", `{"email":"`+email+`","password":"`+password+`"}`)
	if got.status != http.StatusOK && got.status != http.StatusUnauthorized {
		t.Fatalf("customer.checkCredentials answered %d %s", got.status, got.raw)
	}
	return got.status == http.StatusOK
}

// passwordToken makes a reset token for email and returns it.
func (a *api) passwordToken(t *testing.T, email string) string {
	t.Helper()
	got := a.call(t, "customer.createPasswordToken", `{"email":"`+email+`"}`)
	tok, _ := got.body["token"].(string)
	if got.status != http.StatusOK || tok == "" || got.body["expiresAt"] == nil {
		t.Fatalf("customer.createPasswordToken answered %d %s, want a token and its expiry", got.status, got.raw)
	}
	return tok
}

func TestChangePassword_TheNewOneWorksAndTheOldOneStopsAtOnce(t *testing.T) {
	a := newFullAPI(t)
	credentialsFixture(t, a)
	id := a.addCustomer(t, "john@example.com", johnPassword)
	got := a.call(t, "customer.changePassword", `{"id":"`+id+`","currentPassword":"`+johnPassword+`","newPassword":"`+changedPassword+`"}`)
	if c := customerOf(t, got); c["version"] != float64(1) {
		t.Errorf("a change answered version %v, want 1: it is a write like any other", c["version"])
	}
	if a.signsIn(t, "john@example.com", johnPassword) {
		t.Error("the old password still signs in")
	}
	if !a.signsIn(t, "john@example.com", changedPassword) {
		t.Error("the new password does not sign in")
	}
}

// A wrong current password, and an inactive customer, are answered
// exactly as customer.checkCredentials answers them.
func TestChangePassword_AWrongCurrentPasswordIsAnsweredAsASignInIs(t *testing.T) {
	a := newFullAPI(t)
	_, grace := credentialsFixture(t, a)
	signIn := a.call(t, "customer.checkCredentials", `{"email":"ada@example.com","password":"`+wrongPassword+`"}`)
	ada := a.addCustomer(t, "ada2@example.com", adaPassword)
	for name, body := range map[string]string{
		"wrong current password": `{"id":"` + ada + `","currentPassword":"` + wrongPassword + `","newPassword":"` + changedPassword + `"}`,
		"inactive customer":      `{"id":"` + grace + `","currentPassword":"` + gracePassword + `","newPassword":"` + changedPassword + `"}`,
	} {
		got := a.call(t, "customer.changePassword", body)
		assertError(t, got, http.StatusUnauthorized, "bad_credentials", "")
		if got.raw != signIn.raw {
			t.Errorf("%s answered %s, customer.checkCredentials %s", name, got.raw, signIn.raw)
		}
	}
	if !a.signsIn(t, "ada2@example.com", adaPassword) {
		t.Error("a refused change changed the password")
	}
}

func TestChangePassword_Errors(t *testing.T) {
	tests := []struct {
		name, body string
		status     int
		code, data string
	}{
		{"nothing", `{}`, 400, "validation_error", `["id: is required","currentPassword: is required","newPassword: is required"]`},
		{"a short new password", `{"id":"{id}","currentPassword":"` + johnPassword + `","newPassword":"short"}`, 400, "validation_error", `["newPassword: must be 8 to 72 bytes long"]`},
		{"an empty current password", `{"id":"{id}","currentPassword":"","newPassword":"` + changedPassword + `"}`, 400, "validation_error", `["currentPassword: must not be empty"]`},
		{"an unknown id", `{"id":"` + unknownID + `","currentPassword":"` + johnPassword + `","newPassword":"` + changedPassword + `"}`, 404, "customer_not_found", `{"id":"` + unknownID + `"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t)
			id := a.addCustomer(t, "john@example.com", johnPassword)
			assertError(t, a.call(t, "customer.changePassword", fill(tt.body, map[string]string{"id": id})), tt.status, tt.code, tt.data)
		})
	}
}

func TestResetPassword_ATokenWorksOnceThenIsInvalid(t *testing.T) {
	a := newAPI(t)
	a.addCustomer(t, "john@example.com", johnPassword)
	tok := a.passwordToken(t, "John@Example.com ")
	body := `{"token":"` + tok + `","newPassword":"` + resetPassword + `"}`
	if c := customerOf(t, a.call(t, "customer.resetPassword", body)); c["email"] != "john@example.com" {
		t.Errorf("the reset answered %v", c)
	}
	if !a.signsIn(t, "john@example.com", resetPassword) || a.signsIn(t, "john@example.com", johnPassword) {
		t.Error("after a reset, the new password should sign in and the old one not")
	}
	assertError(t, a.call(t, "customer.resetPassword", body), 400, "password_token_invalid", "")
}

// Unknown, used, superseded and cut-short tokens get one answer, byte for
// byte, so that nobody can tell which.
func TestResetPassword_EveryTokenThatDoesNotWorkGetsOneAnswer(t *testing.T) {
	a := newAPI(t)
	a.addCustomer(t, "john@example.com", johnPassword)
	used := a.passwordToken(t, "john@example.com")
	customerOf(t, a.call(t, "customer.resetPassword", `{"token":"`+used+`","newPassword":"`+resetPassword+`"}`))
	superseded := a.passwordToken(t, "john@example.com")
	a.passwordToken(t, "john@example.com")
	var first string
	for name, tok := range map[string]string{
		"used": used, "superseded": superseded, "unknown": "bm90LWEtdG9rZW4tdGhlLXNlcnZpY2UtbWFkZQ", "cut short": superseded[:10],
	} {
		got := a.call(t, "customer.resetPassword", `{"token":"`+tok+`","newPassword":"`+resetPassword+`"}`)
		assertError(t, got, 400, "password_token_invalid", "")
		if first == "" {
			first = got.raw
		} else if got.raw != first {
			t.Errorf("a %s token answered %s, others %s", name, got.raw, first)
		}
	}
}

func TestCreatePasswordToken_AnEmailNoActiveCustomerHasIsNotFound(t *testing.T) {
	a := newFullAPI(t)
	credentialsFixture(t, a)
	for name, email := range map[string]string{"unknown": "nobody@example.com", "inactive": "grace@example.com"} {
		t.Run(name, func(t *testing.T) {
			assertError(t, a.call(t, "customer.createPasswordToken", `{"email":"`+email+`"}`), 404, "customer_not_found", `{"email":"`+email+`"}`)
		})
	}
	assertError(t, a.call(t, "customer.createPasswordToken", `{}`), 400, "validation_error", `["email: is required"]`)
}

// After five wrong passwords in a row, sign-ins and changes for the
// email are 429 with Retry-After, right password or not, and an email
// nobody has is locked out alike.
func TestLockout_TooManyFailuresAre429WithRetryAfterForKnownAndUnknownEmails(t *testing.T) {
	a := newFullAPI(t)
	ada, _ := credentialsFixture(t, a)
	for _, email := range []string{"ada@example.com", "nobody@example.com"} {
		for range 5 {
			assertError(t, a.call(t, "customer.checkCredentials", `{"email":"`+email+`","password":"`+wrongPassword+`"}`), 401, "bad_credentials", "")
		}
	}
	locked := []struct{ name, method, body string }{
		{"sign-in with the right password", "customer.checkCredentials", `{"email":"ada@example.com","password":"` + adaPassword + `"}`},
		{"change with the right password", "customer.changePassword", `{"id":"` + ada + `","currentPassword":"` + adaPassword + `","newPassword":"` + changedPassword + `"}`},
		{"sign-in of an unknown email", "customer.checkCredentials", `{"email":"nobody@example.com","password":"` + adaPassword + `"}`},
	}
	for _, l := range locked {
		got := a.call(t, l.method, l.body)
		if got.status != http.StatusTooManyRequests || got.body["error"] != "too_many_attempts" {
			t.Fatalf("%s answered %d %s, want 429 too_many_attempts", l.name, got.status, got.raw)
		}
		data, _ := got.body["data"].(map[string]any)
		seconds, err := strconv.Atoi(got.header.Get("Retry-After"))
		if err != nil || seconds < 1 || data == nil || data["retryAfter"] != float64(seconds) || len(data) != 1 {
			t.Errorf("%s: Retry-After %q, data %v; want the same whole seconds in both", l.name, got.header.Get("Retry-After"), data)
		}
	}
	// A reset lifts the lock.
	tok := a.passwordToken(t, "ada@example.com")
	customerOf(t, a.call(t, "customer.resetPassword", `{"token":"`+tok+`","newPassword":"`+resetPassword+`"}`))
	if !a.signsIn(t, "ada@example.com", resetPassword) {
		t.Error("after a reset, the locked-out customer still cannot sign in")
	}
}

// A keyed change sent again gets the first answer and changes nothing;
// the same key with another new password is refused, so that the
// fingerprint tells passwords apart though it keeps none.
func TestChangePassword_SentAgainWithItsKeyGetsTheFirstAnswer(t *testing.T) {
	a := newAPI(t)
	id := a.addCustomer(t, "john@example.com", johnPassword)
	body := `{"id":"` + id + `","currentPassword":"` + johnPassword + `","newPassword":"` + changedPassword + `"}`
	first := a.keyed(t, "customer.changePassword", body, "change-1", "")
	customerOf(t, first)
	if again := a.keyed(t, "customer.changePassword", body, "change-1", ""); again.raw != first.raw {
		t.Errorf("the copy answered %s, the first %s", again.raw, first.raw)
	}
	other := `{"id":"` + id + `","currentPassword":"` + johnPassword + `","newPassword":"` + resetPassword + `"}`
	assertError(t, a.keyed(t, "customer.changePassword", other, "change-1", ""), 422, "idempotency_key_reused", "")
	if !a.signsIn(t, "john@example.com", changedPassword) {
		t.Error("the first change's password does not sign in")
	}
}
