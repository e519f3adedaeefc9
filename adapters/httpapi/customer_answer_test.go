package httpapi_test

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// seedAnswer is the answer of customer.update on the MicroBase page of the
// method: a client written against it must find every key it shows.
const seedAnswer = `{
    "ok": true,
    "customer": {
        "email": "john.doe@gmail.com",
        "firstName": "John",
        "lastName": "Doe",
        "status": "ACTIVE",
        "tags": [
            "VIP"
        ],
        "addresses": [
            {
                "name": "Work",
                "firstName": "John",
                "lastName": "Doe",
                "address_1": "1650 Bolman Court",
                "address_2": "Number 10",
                "postCode": "61701",
                "city": "Bloomington",
                "state": "Illinois",
                "country": "US",
                "company": "My Company",
                "phone": 2173203531,
                "instructions": "Some Instructions",
                "id": "r1h2uQ4rx"
            }
        ],
        "id": "HkhhuXESl"
    }
}`

// seedRequest is the body of the page's curl example; {id} is the
// customer's id.
const seedRequest = `{
        "id": "{id}",
        "email": "john.doe@gmail.com",
        "firstName": "John",
        "lastName": "Doe",
        "tags": ["VIP"],
        "status": "ACTIVE"
      }`

// seedCustomerCreate makes the page's customer with other names, status
// and tags, so the page's update changes them.
const seedCustomerCreate = `{
	"email": "Johnny.Doe@Example.com", "password": "` + createPassword + `",
	"firstName": "Johnny", "lastName": "Smith", "status": "INACTIVE", "tags": ["GOLD"],
	"addresses": [{
		"name": "Work", "firstName": "John", "lastName": "Doe",
		"address_1": "1650 Bolman Court", "address_2": "Number 10", "postCode": "61701",
		"city": "Bloomington", "state": "Illinois", "country": "US", "company": "My Company",
		"phone": 2173203531, "instructions": "Some Instructions"
	}]
}`

// objectKeys returns the keys of a JSON object in the order they appear.
func objectKeys(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", raw)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// customerParts splits an answer into its customer object and that
// customer's first address, both raw.
func customerParts(t *testing.T, raw string) (customer, address json.RawMessage) {
	t.Helper()
	var answer struct {
		Customer json.RawMessage `json:"customer"`
	}
	var c struct {
		Addresses []json.RawMessage `json:"addresses"`
	}
	if err := json.Unmarshal([]byte(raw), &answer); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(answer.Customer, &c); err != nil || len(c.Addresses) != 1 {
		t.Fatalf("customer %s: want one address (%v)", answer.Customer, err)
	}
	return answer.Customer, c.Addresses[0]
}

// The page's example, run against this service, answers exactly the
// page's keys, in the page's order, with the page's values, plus version,
// createdAt and updatedAt; customer.create and customer.info answer the
// same object.
func TestCustomerAnswer_HasTheSeedPagesKeysPlusVersionAndTimestamps(t *testing.T) {
	wantCustomer, wantAddress := customerParts(t, seedAnswer)
	seedKeys := objectKeys(t, wantCustomer)
	wantKeys := append(slices.Clone(seedKeys), "version", "createdAt", "updatedAt")
	wantAddressKeys := objectKeys(t, wantAddress)

	a := newAPI(t)
	created := customerOf(t, a.call(t, "customer.create", seedCustomerCreate))
	id := created["id"].(string)
	vars := map[string]string{"id": id}

	tests := []struct {
		name, method, body string
		version            float64
	}{
		{"customer.update of the page", "customer.update", fill(seedRequest, vars), 1},
		{"customer.info after it", "customer.info", fill(`{"id":"{id}"}`, vars), 1},
		{"customer.update that changes nothing", "customer.update", fill(seedRequest, vars), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := a.call(t, tt.method, tt.body)
			if len(got.body) != 2 || got.body["ok"] != true {
				t.Fatalf("answer %s, want exactly ok and customer", got.raw)
			}
			customer, address := customerParts(t, got.raw)
			if keys := objectKeys(t, customer); !slices.Equal(keys, wantKeys) {
				t.Errorf("customer keys %q, want %q", keys, wantKeys)
			}
			if keys := objectKeys(t, address); !slices.Equal(keys, wantAddressKeys) {
				t.Errorf("address keys %q, want %q", keys, wantAddressKeys)
			}

			// The page's values, with this customer's ids.
			var gotC, wantC map[string]any
			if err := json.Unmarshal(customer, &gotC); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(wantCustomer, &wantC); err != nil {
				t.Fatal(err)
			}
			wantC["id"] = id
			wantC["addresses"].([]any)[0].(map[string]any)["id"] = gotC["addresses"].([]any)[0].(map[string]any)["id"]
			extra := map[string]any{}
			for _, k := range []string{"version", "createdAt", "updatedAt"} {
				extra[k] = gotC[k]
				delete(gotC, k)
			}
			if !reflect.DeepEqual(gotC, wantC) {
				g, _ := json.Marshal(gotC)
				w, _ := json.Marshal(wantC)
				t.Errorf("customer\n got %s\nwant %s", g, w)
			}
			if extra["version"] != tt.version || extra["createdAt"] != created["createdAt"] ||
				extra["updatedAt"] == created["updatedAt"] {
				t.Errorf("version/createdAt/updatedAt = %v, want version %v, createdAt of creation, updatedAt of the update", extra, tt.version)
			}
		})
	}

	// The create answer is the same object, before the update.
	if keys := slices.Sorted(maps.Keys(created)); !slices.Equal(keys, slices.Sorted(slices.Values(wantKeys))) {
		t.Errorf("customer.create keys %q, want %q", keys, wantKeys)
	}
}
