package httpapi_test

import (
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// addressFixture is a customer with one address; vars holds {customer}
// and {address}, their ids, for fill.
func addressFixture(t *testing.T, a *api) map[string]string {
	t.Helper()
	id := a.addCustomer(t, "ada@example.com", adaPassword)
	return map[string]string{"customer": id, "address": a.addWorkAddress(t, id)}
}

func addressesOf(t *testing.T, c map[string]any) []map[string]any {
	t.Helper()
	list, ok := c["addresses"].([]any)
	if !ok {
		t.Fatalf("addresses = %#v, want a list", c["addresses"])
	}
	out := make([]map[string]any, len(list))
	for i, a := range list {
		out[i] = a.(map[string]any)
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var allAddressKeys = []string{"address_1", "address_2", "city", "company", "country", "firstName", "id", "instructions", "lastName", "name", "phone", "postCode", "state"}

func TestCustomerAddressCreate_AddsEachWithANewIDAndAnswersTheCustomer(t *testing.T) {
	a := newFullAPI(t)
	vars := addressFixture(t, a)
	second := strings.Replace(workAddressJSON, `"country":"US"`, `"country":"fr"`, 1)
	c := customerOf(t, a.call(t, "customer.address.create", fill(`{"customerId":"{customer}","addresses":[`+workAddressJSON+`,`+second+`]}`, vars)))

	addresses := addressesOf(t, c)
	if len(addresses) != 3 || addresses[0]["id"] != vars["address"] {
		t.Fatalf("addresses %v, want the first kept and two added", addresses)
	}
	ids := []string{}
	for _, ad := range addresses {
		ids = append(ids, ad["id"].(string))
	}
	if unique := slices.Compact(slices.Sorted(slices.Values(ids))); len(unique) != 3 {
		t.Fatalf("address ids %v are not unique", ids)
	}
	if got := sortedKeys(addresses[1]); !slices.Equal(got, allAddressKeys) || addresses[1]["phone"] != 2173203531.0 {
		t.Fatalf("added address %v, want every field given", addresses[1])
	}
	if addresses[2]["country"] != "FR" {
		t.Errorf("country = %v, want FR", addresses[2]["country"])
	}
	if c["id"] != vars["customer"] || c["version"] != 2.0 {
		t.Errorf("customer %v, want the whole customer at version 2", c)
	}
	if s := a.stored(t, vars["customer"]); len(s.Addresses) != 3 || s.Version != 2 {
		t.Errorf("stored %d addresses at version %d", len(s.Addresses), s.Version)
	}
}

func TestCustomerAddressInfo_AnswersTheAddress(t *testing.T) {
	a := newFullAPI(t)
	vars := addressFixture(t, a)
	for _, target := range []string{
		fill("customer.address.info?customerId={customer}&addressId={address}", vars),
		"customer.address.info",
	} {
		got := a.serve(t, a.request(http.MethodPost, target, jsonType, fill(`{"customerId":"{customer}","addressId":"{address}"}`, vars)))
		if got.status != http.StatusOK || !slices.Equal(sortedKeys(got.body), []string{"address", "ok"}) {
			t.Fatalf("answered %d %s, want ok and address", got.status, got.raw)
		}
		address := got.body["address"].(map[string]any)
		if address["id"] != vars["address"] || address["city"] != "Bloomington" || address["country"] != "US" {
			t.Fatalf("address %v", address)
		}
	}
}

func TestCustomerAddressUpdate_ReplacesTheWholeAddressKeepingItsID(t *testing.T) {
	a := newFullAPI(t)
	vars := addressFixture(t, a)
	other := a.addWorkAddress(t, vars["customer"])
	body := fill(`{"customerId":"{customer}","address":{"id":"{address}","name":"Home","firstName":"Ada","address_1":"2 Rue de Rivoli",`+
		`"postCode":"75001","city":"Paris","state":"IDF","country":"FR"}}`, vars)
	c := customerOf(t, a.call(t, "customer.address.update", body))
	addresses := addressesOf(t, c)
	if len(addresses) != 2 || addresses[0]["id"] != vars["address"] || addresses[1]["id"] != other {
		t.Fatalf("addresses %v, want both, in place", addresses)
	}
	want := map[string]any{"id": vars["address"], "name": "Home", "firstName": "Ada", "address_1": "2 Rue de Rivoli",
		"postCode": "75001", "city": "Paris", "state": "IDF", "country": "FR"}
	if got := addresses[0]; !reflect.DeepEqual(got, want) {
		t.Fatalf("address %v, want exactly %v", got, want)
	}
	if c["version"] != 3.0 {
		t.Errorf("version %v, want 3", c["version"])
	}

	// The same address again changes nothing and writes nothing.
	again := customerOf(t, a.call(t, "customer.address.update", body))
	if again["version"] != 3.0 || again["updatedAt"] != c["updatedAt"] {
		t.Errorf("an update to the same address wrote version %v", again["version"])
	}
}

func TestCustomerAddressRemove_AnswersTheCustomerWithoutIt(t *testing.T) {
	a := newFullAPI(t)
	vars := addressFixture(t, a)
	other := a.addWorkAddress(t, vars["customer"])
	c := customerOf(t, a.call(t, "customer.address.remove", fill(`{"customerId":"{customer}","addressId":"{address}"}`, vars)))
	if addresses := addressesOf(t, c); len(addresses) != 1 || addresses[0]["id"] != other || c["version"] != 3.0 {
		t.Fatalf("customer %v, want only the other address, at version 3", c)
	}
	assertError(t, a.call(t, "customer.address.remove", fill(`{"customerId":"{customer}","addressId":"{address}"}`, vars)),
		404, "customer_address_not_found", fill(`{"customerId":"{customer}","addressId":"{address}"}`, vars))
}

// Every error of the address methods in the contract's table, with its
// status and data; a failed call writes nothing.
func TestCustomerAddress_Errors(t *testing.T) {
	badCity := strings.Replace(workAddressJSON, `"city":"Bloomington"`, `"city":" "`, 1)
	badCountry := strings.Replace(workAddressJSON, `"country":"US"`, `"country":"USA"`, 1)
	phoneText := strings.Replace(workAddressJSON, `2173203531`, `"2173203531"`, 1)
	withID := func(address string) string { return `{"id":"{address}",` + address[1:] }
	tests := []struct {
		name, method, body string
		status             int
		code, data         string
	}{
		// customer.address.create
		{"create: nothing", "customer.address.create", `{}`,
			400, "validation_error", `["customerId: is required","addresses: is required"]`},
		{"create: an empty list", "customer.address.create", `{"customerId":"{customer}","addresses":[]}`,
			400, "validation_error", `["addresses: must hold at least one address"]`},
		{"create: one object, not a list", "customer.address.create", `{"customerId":"{customer}","addresses":` + workAddressJSON + `}`,
			400, "validation_error", `["addresses: must be a list"]`},
		{"create: a required field empty", "customer.address.create", `{"customerId":"{customer}","addresses":[` + workAddressJSON + `,` + badCity + `]}`,
			400, "validation_error", `["addresses[1].city: must not be empty"]`},
		{"create: a phone as text, and a bad customerId", "customer.address.create", `{"customerId":" x","addresses":[` + phoneText + `]}`,
			400, "validation_error", `["addresses[0].phone: must be a number","customerId: must not have surrounding spaces"]`},
		{"create: an unknown customer", "customer.address.create", `{"customerId":"` + unknownID + `","addresses":[` + workAddressJSON + `]}`,
			404, "customer_not_found", `{"id":"` + unknownID + `"}`},
		{"create: a three-letter country", "customer.address.create", `{"customerId":"{customer}","addresses":[` + badCountry + `]}`,
			400, "address_contry_invalid", `{"country":"USA"}`},

		// customer.address.info
		{"info: nothing", "customer.address.info", `{}`,
			400, "validation_error", `["customerId: is required","addressId: is required"]`},
		{"info: an empty addressId", "customer.address.info", `{"customerId":"{customer}","addressId":""}`,
			400, "validation_error", `["addressId: must not be empty"]`},
		{"info: an unknown customer", "customer.address.info", `{"customerId":"` + unknownID + `","addressId":"{address}"}`,
			404, "customer_not_found", `{"id":"` + unknownID + `"}`},
		{"info: an unknown address", "customer.address.info", `{"customerId":"{customer}","addressId":"` + unknownID + `"}`,
			404, "customer_address_not_found", `{"customerId":"{customer}","addressId":"` + unknownID + `"}`},

		// customer.address.update
		{"update: nothing", "customer.address.update", `{}`,
			400, "validation_error", `["customerId: is required","address: is required"]`},
		{"update: an address without id", "customer.address.update", `{"customerId":"{customer}","address":` + workAddressJSON + `}`,
			400, "validation_error", `["address.id: is required"]`},
		{"update: an id that is a number", "customer.address.update", `{"customerId":"{customer}","address":{"id":7}}`,
			400, "validation_error", `["address.id: must be a string"]`},
		{"update: every missing field named", "customer.address.update", `{"customerId":"{customer}","address":{"id":"{address}","name":"Home"}}`,
			400, "validation_error", `["address.firstName: must not be empty","address.address_1: must not be empty","address.postCode: must not be empty",` +
				`"address.city: must not be empty","address.state: must not be empty","address.country: must not be empty"]`},
		{"update: an unknown customer", "customer.address.update", `{"customerId":"` + unknownID + `","address":` + withID(workAddressJSON) + `}`,
			404, "customer_address_not_found", `{"customerId":"` + unknownID + `","addressId":"{address}"}`},
		{"update: an unknown address", "customer.address.update", `{"customerId":"{customer}","address":{"id":"` + unknownID + `",` + workAddressJSON[1:] + `}`,
			404, "customer_address_not_found", `{"customerId":"{customer}","addressId":"` + unknownID + `"}`},
		{"update: a three-letter country", "customer.address.update", `{"customerId":"{customer}","address":` + withID(badCountry) + `}`,
			400, "address_contry_invalid", `{"country":"USA"}`},

		// customer.address.remove
		{"remove: nothing", "customer.address.remove", `{}`,
			400, "validation_error", `["customerId: is required","addressId: is required"]`},
		{"remove: an unknown customer", "customer.address.remove", `{"customerId":"` + unknownID + `","addressId":"{address}"}`,
			404, "customer_address_not_found", `{"customerId":"` + unknownID + `","addressId":"{address}"}`},
		{"remove: an unknown address", "customer.address.remove", `{"customerId":"{customer}","addressId":"` + unknownID + `"}`,
			404, "customer_address_not_found", `{"customerId":"{customer}","addressId":"` + unknownID + `"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newFullAPI(t)
			vars := addressFixture(t, a)
			before := a.stored(t, vars["customer"])
			assertError(t, a.call(t, tt.method, fill(tt.body, vars)), tt.status, tt.code, fill(tt.data, vars))
			if after := a.stored(t, vars["customer"]); after.Version != before.Version || len(after.Addresses) != 1 {
				t.Errorf("a failed call wrote the customer: version %d, %d addresses", after.Version, len(after.Addresses))
			}
		})
	}
}
