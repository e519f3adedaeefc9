// Package e2e drives the whole service, booted as main boots it, over
// HTTP with real tokens.
package e2e

import (
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/microbase-io/customer-service/test/support/servicetest"
)

var seedAddress = map[string]any{
	"name": "Work", "firstName": "John", "lastName": "Doe", "address_1": "1650 Bolman Court",
	"address_2": "Number 10", "postCode": "61701", "city": "Bloomington", "state": "Illinois",
	"country": "US", "company": "My Company", "phone": 2173203531, "instructions": "Some Instructions",
}

func TestCreateUpdateInfoOverHTTP(t *testing.T) {
	svc := servicetest.Start(t)
	created := svc.Call(t, "customer.create", map[string]any{
		"email": "John.Doe@Gmail.com ", "password": "s3cret-pass", "firstName": "John", "lastName": "Doe",
		"addresses": []any{seedAddress},
	}).Customer(t)
	id := created["id"].(string)
	if created["email"] != "john.doe@gmail.com" || created["status"] != "ACTIVE" || created["version"] != 0.0 {
		t.Fatalf("created %v", created)
	}

	// The seed page's example, verbatim.
	updated := svc.Call(t, "customer.update", map[string]any{
		"id": id, "email": "john.doe@gmail.com", "firstName": "John", "lastName": "Doe",
		"tags": []string{"VIP"}, "status": "ACTIVE",
	}).Customer(t)
	if !slices.Equal(toStrings(updated["tags"]), []string{"VIP"}) || updated["version"] != 1.0 {
		t.Fatalf("updated %v, want tags [VIP] at version 1", updated)
	}

	info := svc.Call(t, "customer.info", map[string]any{"id": id}).Customer(t)
	if info["updatedAt"] != updated["updatedAt"] || info["version"] != 1.0 {
		t.Fatalf("info %v, want what the update answered", info)
	}
}

// The seed page shows the answer of customer.update; ours has every key
// it has, nested ones included, and only adds version and timestamps.
func TestUpdateAnswersTheShapeOfTheSeedPage(t *testing.T) {
	svc := servicetest.Start(t)
	id := svc.Call(t, "customer.create", map[string]any{
		"email": "john.doe@gmail.com", "password": "s3cret-pass", "firstName": "John", "lastName": "Doe",
		"addresses": []any{seedAddress},
	}).Customer(t)["id"].(string)
	answer := svc.Call(t, "customer.update", map[string]any{"id": id, "tags": []string{"VIP"}})
	if answer.Status != http.StatusOK || answer.Body["ok"] != true {
		t.Fatalf("answer %d %s", answer.Status, answer.Raw)
	}
	customer := answer.Customer(t)
	wantKeys := []string{"addresses", "createdAt", "email", "firstName", "id", "lastName", "status", "tags", "updatedAt", "version"}
	if got := keys(customer); !slices.Equal(got, wantKeys) {
		t.Fatalf("customer keys %v, want %v", got, wantKeys)
	}
	address := customer["addresses"].([]any)[0].(map[string]any)
	wantAddressKeys := []string{"address_1", "address_2", "city", "company", "country", "firstName", "id", "instructions", "lastName", "name", "phone", "postCode", "state"}
	if got := keys(address); !slices.Equal(got, wantAddressKeys) {
		t.Fatalf("address keys %v, want %v", got, wantAddressKeys)
	}
	if address["phone"] != 2173203531.0 {
		t.Fatalf("phone = %v, want the number 2173203531", address["phone"])
	}
	if got := keys(answer.Body); !slices.Equal(got, []string{"customer", "ok"}) {
		t.Fatalf("answer keys %v, want customer and ok", got)
	}
}

func TestDuplicateEmailOnUpdateNamesTheIndexAndValue(t *testing.T) {
	svc := servicetest.Start(t)
	for _, email := range []string{"ada@example.com", "grace@example.com"} {
		svc.Call(t, "customer.create", map[string]any{"email": email, "password": "s3cret-pass", "firstName": "A", "lastName": "B"}).Customer(t)
	}
	id := svc.Call(t, "customer.create", map[string]any{"email": "alan@example.com", "password": "s3cret-pass", "firstName": "A", "lastName": "T"}).Customer(t)["id"]
	answer := svc.Call(t, "customer.update", map[string]any{"id": id, "email": "ADA@example.com"})
	answer.Error(t, http.StatusConflict, "duplicate_key")
	data := answer.Body["data"].(map[string]any)
	if data["index"] != "email_1" || data["value"] != "ada@example.com" {
		t.Fatalf("data = %v, want index email_1 and value ada@example.com", data)
	}
}

func TestEmbeddedStoreKeepsDataAcrossRestarts(t *testing.T) {
	dir := "CUSTOMER_DATA_DIR=" + t.TempDir()
	first := servicetest.Start(t, dir)
	id := first.Call(t, "customer.create", map[string]any{
		"email": "ada@example.com", "password": "s3cret-pass", "firstName": "Ada", "lastName": "Lovelace",
	}).Customer(t)["id"]
	first.App.RequireStop()

	second := servicetest.Start(t, dir)
	if got := second.Call(t, "customer.info", map[string]any{"id": id}).Customer(t); got["email"] != "ada@example.com" {
		t.Fatalf("after restart: %v", got)
	}
}

func TestRequestIDIsChainedAndReturned(t *testing.T) {
	svc := servicetest.Start(t)
	req, _ := http.NewRequest(http.MethodGet, svc.URL+"micro.ping", nil)
	req.Header.Set("X-Request-Id", "gateway-1")
	answer := servicetest.Do(t, req)
	got := answer.Header.Get("X-Request-Id")
	if !strings.HasPrefix(got, "gateway-1:") || len(got) <= len("gateway-1:") {
		t.Fatalf("x-request-id = %q, want gateway-1:<new id>", got)
	}
	if answer.Body["answer"] != "pong" || answer.Body["ok"] != true {
		t.Fatalf("ping answered %s", answer.Raw)
	}
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}
