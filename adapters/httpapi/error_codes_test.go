package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/microbase-io/customer-service/test/support/sqlitetest"
)

const newCustomerArgs = `"email":"new.customer@example.com","password":"` + createPassword + `","firstName":"New","lastName":"Customer"`

// Every error the four methods can give reaches the client with the status
// of the contract's table and the data a program can act on, and a failed
// call writes nothing.
func TestErrors_EachCodeHasItsStatusAndData(t *testing.T) {
	tests := []struct {
		name   string
		method string
		body   string
		status int
		code   string
		data   string // JSON; {john} and {jane} stand for the fixtures' ids
	}{
		// validation_error: one message per bad argument, naming it.
		{"info without id", "customer.info", `{}`,
			400, "validation_error", `["id: is required"]`},
		{"info with a number id", "customer.info", `{"id":5}`,
			400, "validation_error", `["id: must be a string"]`},
		{"info with an empty id", "customer.info", `{"id":""}`,
			400, "validation_error", `["id: must not be empty"]`},
		{"update without id", "customer.update", `{"firstName":"Johnny"}`,
			400, "validation_error", `["id: is required"]`},
		{"update with a number id", "customer.update", `{"id":5,"firstName":"Johnny"}`,
			400, "validation_error", `["id: must be a string"]`},
		{"update with tags as a string", "customer.update", `{"id":"{john}","tags":"VIP"}`,
			400, "validation_error", `["tags: must be a list of strings"]`},
		{"update with a status in lower case", "customer.update", `{"id":"{john}","status":"active"}`,
			400, "validation_error", `["status: must be ACTIVE or INACTIVE"]`},
		{"update with an empty firstName", "customer.update", `{"id":"{john}","firstName":""}`,
			400, "validation_error", `["firstName: must not be empty"]`},
		{"update with a null lastName", "customer.update", `{"id":"{john}","lastName":null}`,
			400, "validation_error", `["lastName: must be a string"]`},
		{"update with version as a string", "customer.update", `{"id":"{john}","version":"0","lastName":"Smith"}`,
			400, "validation_error", `["version: must be an integer"]`},
		{"update with a negative version", "customer.update", `{"id":"{john}","version":-1,"lastName":"Smith"}`,
			400, "validation_error", `["version: must not be negative"]`},
		{"update names every bad value", "customer.update",
			`{"id":"{john}","firstName":"","lastName":" ","status":"active","tags":["VIP",""],"email":"jd@example.com"}`,
			400, "validation_error",
			`["firstName: must not be empty","lastName: must not be empty","status: must be ACTIVE or INACTIVE","tags: each tag must not be empty"]`},
		{"update names bad types and bad values together", "customer.update",
			`{"id":5,"tags":"VIP","status":"active","firstName":""}`,
			400, "validation_error",
			`["id: must be a string","tags: must be a list of strings","firstName: must not be empty","status: must be ACTIVE or INACTIVE"]`},
		{"update with a malformed body", "customer.update", `{"id":"` + unknownID + `",`,
			400, "validation_error", `["body: is malformed JSON (at byte 18)"]`},
		{"create without arguments", "customer.create", `{}`,
			400, "validation_error",
			`["email: is required","password: is required","firstName: is required","lastName: is required"]`},
		{"create names every bad value", "customer.create",
			`{"email":"new.customer@example.com","password":"short","firstName":"","lastName":"Customer","status":"active","tags":["VIP",""]}`,
			400, "validation_error",
			`["password: must be 8 to 72 bytes long","firstName: must not be empty","status: must be ACTIVE or INACTIVE","tags: each tag must not be empty"]`},
		{"create names bad types and bad values together", "customer.create",
			`{"email":"new.customer@example.com","password":"short","firstName":7,"lastName":"Customer","tags":"VIP"}`,
			400, "validation_error",
			`["firstName: must be a string","tags: must be a list of strings","password: must be 8 to 72 bytes long"]`},
		{"create with an address phone as a string", "customer.create",
			`{` + newCustomerArgs + `,"addresses":[{"name":"Work","firstName":"New","address_1":"1 Main St","postCode":"1","city":"C","state":"S","country":"US","phone":"217"}]}`,
			400, "validation_error", `["addresses[0].phone: must be a number"]`},

		// customer_invalid_email: the email as the caller sent it.
		{"create with an invalid email", "customer.create",
			`{"email":"not-an-email","password":"` + createPassword + `","firstName":"New","lastName":"Customer"}`,
			400, "customer_invalid_email", `{"email":"not-an-email"}`},
		{"update with an invalid email", "customer.update", `{"id":"{john}","email":"John <john@example.com>"}`,
			400, "customer_invalid_email", `{"email":"John <john@example.com>"}`},

		// address_contry_invalid: create is the one method here with addresses.
		{"create with a three-letter country", "customer.create",
			`{` + newCustomerArgs + `,"addresses":[{"name":"Work","firstName":"New","address_1":"1 Main St","postCode":"1","city":"C","state":"S","country":"USA"}]}`,
			400, "address_contry_invalid", `{"country":"USA"}`},

		// customer_not_found: the id asked for.
		{"info of an unknown id", "customer.info", `{"id":"` + unknownID + `"}`,
			404, "customer_not_found", `{"id":"` + unknownID + `"}`},
		{"update of an unknown id", "customer.update", `{"id":"` + unknownID + `","lastName":"Smith"}`,
			404, "customer_not_found", `{"id":"` + unknownID + `"}`},
		{"update of an unknown id that changes nothing", "customer.update", `{"id":"` + unknownID + `"}`,
			404, "customer_not_found", `{"id":"` + unknownID + `"}`},

		// duplicate_key: whatever the letter case, the stored form collides.
		{"create with a taken email in other case", "customer.create",
			`{"email":" John.DOE@Gmail.com ","password":"` + createPassword + `","firstName":"J","lastName":"D"}`,
			409, "duplicate_key", `{"index":"email_1","value":"john.doe@gmail.com"}`},
		{"update to a taken email in other case", "customer.update", `{"id":"{jane}","email":"JOHN.doe@gmail.COM"}`,
			409, "duplicate_key", `{"index":"email_1","value":"john.doe@gmail.com"}`},

		// version_conflict: the current version, so the caller can re-read.
		{"update with a stale version", "customer.update", `{"id":"{john}","version":3,"lastName":"Smith"}`,
			409, "version_conflict", `{"id":"{john}","version":0}`},
		{"update with a stale version and nothing to change", "customer.update", `{"id":"{john}","version":3}`,
			409, "version_conflict", `{"id":"{john}","version":0}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t)
			vars := map[string]string{
				"john": a.addCustomer(t, "john.doe@gmail.com", johnPassword, "VIP"),
				"jane": a.addCustomer(t, "jane.roe@gmail.com", janePassword),
			}
			before := map[string]int64{}
			for _, id := range vars {
				before[id] = a.stored(t, id).Version
			}

			got := a.call(t, tt.method, fill(tt.body, vars))
			assertError(t, got, tt.status, tt.code, fill(tt.data, vars))

			for _, id := range vars {
				if v := a.stored(t, id).Version; v != before[id] {
					t.Errorf("a failed call wrote customer %s (version %d, was %d)", id, v, before[id])
				}
			}
			if stored := sqlitetest.Customers(t, a.repo); len(stored) != 2 {
				t.Errorf("store holds %d customers, want the 2 fixtures only", len(stored))
			}
		})
	}
}

// A body over the limit is refused before it is read as arguments, whether
// its length is announced or streamed, on every method.
func TestErrors_BodyOverOneMebibyteIsPayloadTooLarge(t *testing.T) {
	// A JSON object of exactly n bytes whose padding is an ignored argument.
	bodyOf := func(n int) string {
		const head, tail = `{"id":"` + unknownID + `","pad":"`, `"}`
		return head + strings.Repeat("a", n-len(head)-len(tail)) + tail
	}
	tests := []struct {
		name     string
		method   string
		size     int
		streamed bool // no Content-Length, as with chunked encoding
		status   int
		code     string
	}{
		{"update, announced", "customer.update", testMaxBody + 1, false, 413, "payload_too_large"},
		{"update, streamed", "customer.update", testMaxBody + 1, true, 413, "payload_too_large"},
		{"create, announced", "customer.create", testMaxBody + 1, false, 413, "payload_too_large"},
		{"info, streamed", "customer.info", testMaxBody + 1, true, 413, "payload_too_large"},
		{"ping, announced", "micro.ping", testMaxBody + 1, false, 413, "payload_too_large"},
		{"exactly the limit is read", "customer.info", testMaxBody, false, 404, "customer_not_found"},
		{"exactly the limit is read, streamed", "customer.info", testMaxBody, true, 404, "customer_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t)
			r := a.request(http.MethodPost, tt.method, "application/json", bodyOf(tt.size))
			if tt.streamed {
				r.ContentLength = -1
			}
			got := a.serve(t, r)
			want := ""
			if tt.code == "customer_not_found" {
				want = `{"id":"` + unknownID + `"}`
			}
			assertError(t, got, tt.status, tt.code, want)
		})
	}
}
