package events

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/test/support/rabbittest"
	"github.com/microbase-io/customer-service/test/support/servicetest"
)

// A change and a reset of a password are announced as PASSWORD_CHANGE
// with the customer as stored after the write, {"new": <customer>}, and
// nothing of the old password, the new one, a hash or the reset token.
// Making a token is not a change: it announces nothing.
func TestAPasswordChangeAndAResetAreAnnouncedWithoutASecret(t *testing.T) {
	b := rabbittest.New(t)
	q := b.BindQueue(t, b.Exchange+".#", nil)
	svc := servicetest.Start(t, brokerEnv(b, b.URL)...)
	const changed, reset = "ch4nged-Secret-pass", "r3set-Secret-pass"

	id := create(t, svc.Client, "ada@example.com")
	decode(t, b.Exchange, b.Await(t, q, 1)[0])

	svc.Call(t, "customer.changePassword", map[string]any{"id": id, "currentPassword": password, "newPassword": changed}).Customer(t)
	grant := svc.Call(t, "customer.createPasswordToken", map[string]any{"email": "ada@example.com"})
	tok, _ := grant.Body["token"].(string)
	if tok == "" {
		t.Fatalf("customer.createPasswordToken answered no token: %s", grant.Raw)
	}
	svc.Call(t, "customer.resetPassword", map[string]any{"token": tok, "newPassword": reset}).Customer(t)

	stored := svc.Call(t, "customer.info", map[string]any{"id": id}).Customer(t)
	got := b.Await(t, q, 2)
	for i, d := range got {
		m := decode(t, b.Exchange, d)
		if m.Type != string(application.EventPasswordChanged) || m.Version != int64(i+1) {
			t.Fatalf("event %d is %s, want PASSWORD_CHANGE v%d", i, m, i+1)
		}
		data, ok := m.Data.(map[string]any)
		if !ok || len(data) != 1 || data["new"] == nil {
			t.Fatalf("%s: data %v, want {\"new\": <customer>}", m, m.Data)
		}
		if i == 1 && !reflect.DeepEqual(data["new"], stored) {
			t.Errorf("%s: customer\n got %v\nwant %v (customer.info)", m, data["new"], stored)
		}
		for _, secret := range []string{changed, reset, tok} {
			if bytes.Contains(d.Body, []byte(secret)) {
				t.Errorf("%s carries a secret (%.6s...): %s", m, secret, d.Body)
			}
		}
	}
	if n := b.Depth(t, q); n != 0 {
		t.Errorf("%d more messages after the two changes: making a token announced something", n)
	}
}
