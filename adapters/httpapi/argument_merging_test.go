package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/microbase-io/customer-service/adapters/jsonview"
	"github.com/microbase-io/customer-service/domain"
)

const (
	jsonType = "application/json"
	formType = "application/x-www-form-urlencoded"
)

// hijackPassword is sent where no password belongs; it must never be
// stored nor come back.
const hijackPassword = "hijack-s3cret-pass"

func init() { plainPasswords = append(plainPasswords, hijackPassword) }

// mergeCase is one customer.update call against the fixture John
// (john.doe@gmail.com, John Doe, ACTIVE, tags [VIP], version 0); {john} in
// query and body stands for his id.
type mergeCase struct {
	name        string
	httpMethod  string
	query       string
	contentType string
	body        string
	check       func(t *testing.T, before, after domain.CustomerSnapshot, got answer)
}

func runUpdateCases(t *testing.T, tests []mergeCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t)
			john := a.addCustomer(t, "john.doe@gmail.com", johnPassword, "VIP")
			vars := map[string]string{"john": john}
			before := a.stored(t, john)
			target := "customer.update"
			if tt.query != "" {
				target += "?" + fill(tt.query, vars)
			}
			got := a.serve(t, a.request(tt.httpMethod, target, tt.contentType, fill(tt.body, vars)))
			after := a.stored(t, john)
			if after.ID != john || !slices.Equal([]byte(after.PasswordHash), []byte(before.PasswordHash)) ||
				!after.CreatedAt.Equal(before.CreatedAt) {
				t.Errorf("id, password or createdAt changed: before %+v, after %+v", before, after)
			}
			if got.status == http.StatusOK {
				assertAnswerIsStored(t, customerOf(t, got), after)
			}
			tt.check(t, before, after, got)
		})
	}
}

// assertAnswerIsStored checks the customer answered is the one stored.
func assertAnswerIsStored(t *testing.T, c map[string]any, s domain.CustomerSnapshot) {
	t.Helper()
	tags := []string{}
	for _, tag := range c["tags"].([]any) {
		tags = append(tags, tag.(string))
	}
	if c["id"] != s.ID || c["email"] != s.Email || c["firstName"] != s.FirstName || c["lastName"] != s.LastName ||
		c["status"] != s.Status || !slices.Equal(tags, append([]string{}, s.Tags...)) || c["version"] != float64(s.Version) ||
		c["updatedAt"] != s.UpdatedAt.Format(jsonview.Layout) || c["createdAt"] != s.CreatedAt.Format(jsonview.Layout) {
		t.Errorf("answered %v, stored %+v", c, s)
	}
}

func wantLastName(name string) func(*testing.T, domain.CustomerSnapshot, domain.CustomerSnapshot, answer) {
	return func(t *testing.T, _, after domain.CustomerSnapshot, got answer) {
		t.Helper()
		if got.status != http.StatusOK || after.LastName != name || after.Version != 1 {
			t.Errorf("status %d, stored lastName %q version %d; want 200, %q, 1; body %s",
				got.status, after.LastName, after.Version, name, got.raw)
		}
	}
}

func wantTags(tags ...string) func(*testing.T, domain.CustomerSnapshot, domain.CustomerSnapshot, answer) {
	return func(t *testing.T, _, after domain.CustomerSnapshot, got answer) {
		t.Helper()
		if got.status != http.StatusOK || !slices.Equal(after.Tags, tags) {
			t.Errorf("status %d, stored tags %q; want 200, %q; body %s", got.status, after.Tags, tags, got.raw)
		}
	}
}

// Arguments come from a JSON body, a form body or the query, with GET or
// POST, and the query wins when an argument comes twice.
func TestUpdateArguments_MergeBodyAndQuery(t *testing.T) {
	runUpdateCases(t, []mergeCase{
		{"JSON body", "POST", "", jsonType, `{"id":"{john}","lastName":"Smith"}`, wantLastName("Smith")},
		{"JSON body without a content type", "POST", "", "", `{"id":"{john}","lastName":"Smith"}`, wantLastName("Smith")},
		{"form body", "POST", "", formType, `id={john}&lastName=Smith`, wantLastName("Smith")},
		{"query with POST", "POST", "id={john}&lastName=Smith", "", "", wantLastName("Smith")},
		{"query with GET", "GET", "id={john}&lastName=Smith", "", "", wantLastName("Smith")},
		{"id in the query, the rest in a JSON body", "POST", "id={john}", jsonType, `{"lastName":"Smith"}`, wantLastName("Smith")},
		{"id in the query, the rest in a form body", "POST", "id={john}", formType, `lastName=Smith`, wantLastName("Smith")},
		{"query wins over a JSON body", "POST", "lastName=Query", jsonType, `{"id":"{john}","lastName":"Body"}`, wantLastName("Query")},
		{"query wins over a form body", "POST", "lastName=Query", formType, `id={john}&lastName=Body`, wantLastName("Query")},
		{"query id wins over the body's", "POST", "id={john}", jsonType, `{"id":"` + unknownID + `","lastName":"Smith"}`, wantLastName("Smith")},
		{"JSON escapes are decoded", "POST", "", jsonType, `{"id":"{john}","lastName":"Sm\u0069th"}`, wantLastName("Smith")},
		{"form encoding is decoded", "POST", "", formType, `id={john}&lastName=Sm%69th`, wantLastName("Smith")},
	})
}

// A list comes as a JSON array, or in a query or form repeated and/or
// comma-separated; an empty list clears it.
func TestUpdateArguments_TagsInEveryShape(t *testing.T) {
	runUpdateCases(t, []mergeCase{
		{"JSON array", "POST", "", jsonType, `{"id":"{john}","tags":["GOLD","VIP"]}`, wantTags("GOLD", "VIP")},
		{"repeated query parameters", "POST", "id={john}&tags=VIP&tags=GOLD", "", "", wantTags("VIP", "GOLD")},
		{"comma-separated query parameter", "GET", "id={john}&tags=VIP,GOLD", "", "", wantTags("VIP", "GOLD")},
		{"repeated and comma-separated form values", "POST", "", formType, `id={john}&tags=VIP,%20GOLD&tags=SILVER`, wantTags("VIP", "GOLD", "SILVER")},
		{"query tags win over body tags", "POST", "tags=GOLD", jsonType, `{"id":"{john}","tags":["SILVER"]}`, wantTags("GOLD")},
		{"repeats dropped, order kept", "POST", "", jsonType, `{"id":"{john}","tags":["GOLD","VIP","GOLD"]}`, wantTags("GOLD", "VIP")},
		{"[] clears", "POST", "", jsonType, `{"id":"{john}","tags":[]}`, wantTags()},
		{"an empty form value clears", "POST", "", formType, `id={john}&tags=`, wantTags()},
		{"an empty query value clears", "GET", "id={john}&tags=", "", "", wantTags()},
	})
}

// Whatever else a client posts (a whole customer read back, with the
// stored password hash, _id or timestamps) reaches no stored field: only
// the documented arguments can change a customer.
func TestUpdateArguments_OnlyDocumentedArgumentsChangeTheCustomer(t *testing.T) {
	unchanged := func(t *testing.T, before, after domain.CustomerSnapshot, got answer) {
		t.Helper()
		if after.Version != before.Version || !after.UpdatedAt.Equal(before.UpdatedAt) {
			t.Errorf("stored customer was written: before %+v, after %+v; body %s", before, after, got.raw)
		}
	}
	runUpdateCases(t, []mergeCase{
		{"unknown arguments are ignored", "POST", "", jsonType,
			`{"id":"{john}","lastName":"Smith","nickname":"Johnny","extra":{"deep":[1,{"x":null}]}}`, wantLastName("Smith")},
		{"unknown query arguments are ignored", "GET", "id={john}&lastName=Smith&nickname=Johnny", "", "", wantLastName("Smith")},
		{"password cannot be changed", "POST", "", jsonType,
			`{"id":"{john}","password":"` + hijackPassword + `","lastName":"Smith"}`,
			func(t *testing.T, before, after domain.CustomerSnapshot, got answer) {
				wantLastName("Smith")(t, before, after, got)
				if !after.PasswordHash.Matches(johnPassword) || after.PasswordHash.Matches(hijackPassword) {
					t.Error("the password changed")
				}
			}},
		{"password alone changes nothing", "POST", "", formType, `id={john}&password=` + hijackPassword, unchanged},
		{"_id cannot be changed", "POST", "", jsonType, `{"id":"{john}","_id":"hijacked","lastName":"Smith"}`, wantLastName("Smith")},
		{"createdAt and updatedAt cannot be set", "POST", "", jsonType,
			`{"id":"{john}","createdAt":"2000-01-01T00:00:00Z","updatedAt":"2000-01-01T00:00:00Z","lastName":"Smith"}`,
			func(t *testing.T, before, after domain.CustomerSnapshot, got answer) {
				wantLastName("Smith")(t, before, after, got)
				if after.UpdatedAt.Year() == 2000 || !after.UpdatedAt.After(before.UpdatedAt) {
					t.Errorf("updatedAt = %v, want the time of this write", after.UpdatedAt)
				}
			}},
		{"version as a string is refused, nothing written", "POST", "", jsonType,
			`{"id":"{john}","version":"7","lastName":"Smith"}`,
			func(t *testing.T, before, after domain.CustomerSnapshot, got answer) {
				assertError(t, got, 400, "validation_error", `["version: must be an integer"]`)
				unchanged(t, before, after, got)
			}},
		{"addresses are not an update argument", "POST", "", jsonType,
			`{"id":"{john}","addresses":[{"name":"Work","firstName":"J","address_1":"x","postCode":"1","city":"C","state":"S","country":"US"}]}`,
			func(t *testing.T, before, after domain.CustomerSnapshot, got answer) {
				unchanged(t, before, after, got)
				if len(after.Addresses) != 0 {
					t.Errorf("addresses = %v, want none", after.Addresses)
				}
			}},
		{"the customer read back, with one change", "POST", "", jsonType,
			`{"id":"{john}","_id":"hijacked","email":"john.doe@gmail.com","firstName":"John","lastName":"Smith","status":"ACTIVE",
			  "tags":["VIP"],"addresses":[],"version":0,"createdAt":"2000-01-01T00:00:00Z","updatedAt":"2000-01-01T00:00:00Z",
			  "password":"` + hijackPassword + `","__v":3}`,
			wantLastName("Smith")},
	})
}

// An update whose values equal the stored ones (after normalising) writes
// nothing: the version and updatedAt stay.
func TestUpdateArguments_NoChangeKeepsTheVersion(t *testing.T) {
	unchanged := func(t *testing.T, before, after domain.CustomerSnapshot, got answer) {
		t.Helper()
		if got.status != http.StatusOK || after.Version != 0 || !after.UpdatedAt.Equal(before.UpdatedAt) {
			t.Errorf("status %d, stored version %d updatedAt %v (was %v); want 200 and nothing written; body %s",
				got.status, after.Version, after.UpdatedAt, before.UpdatedAt, got.raw)
		}
	}
	runUpdateCases(t, []mergeCase{
		{"only the id", "POST", "", jsonType, `{"id":"{john}"}`, unchanged},
		{"the same values", "POST", "", jsonType,
			`{"id":"{john}","email":" JOHN.Doe@gmail.com ","firstName":" John","lastName":"Doe","status":"ACTIVE","tags":["VIP","VIP"]}`, unchanged},
		{"the same values with the current version", "POST", "", jsonType, `{"id":"{john}","version":0,"firstName":"John"}`, unchanged},
	})
}

// version turns an update into a compare-and-set: the version the caller
// last saw wins once; a second writer holding the same version conflicts
// and writes nothing.
func TestUpdateArguments_VersionIsCompareAndSet(t *testing.T) {
	tests := []struct {
		name        string
		query       string
		contentType string
		first       string
		second      string
	}{
		{"JSON", "", jsonType, `{"id":"{john}","version":0,"lastName":"First"}`, `{"id":"{john}","version":0,"lastName":"Second"}`},
		{"form", "", formType, `id={john}&version=0&lastName=First`, `id={john}&version=0&lastName=Second`},
		{"query version wins over the body's", "version=0", formType, `id={john}&version=7&lastName=First`, `id={john}&version=7&lastName=Second`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t)
			john := a.addCustomer(t, "john.doe@gmail.com", johnPassword)
			vars := map[string]string{"john": john}
			target := "customer.update"
			if tt.query != "" {
				target += "?" + tt.query
			}

			got := a.serve(t, a.request("POST", target, tt.contentType, fill(tt.first, vars)))
			if c := customerOf(t, got); c["version"] != float64(1) || c["lastName"] != "First" {
				t.Fatalf("first write answered %v, want version 1", c)
			}
			got = a.serve(t, a.request("POST", target, tt.contentType, fill(tt.second, vars)))
			assertError(t, got, http.StatusConflict, "version_conflict", `{"id":"`+john+`","version":1}`)
			if s := a.stored(t, john); s.LastName != "First" || s.Version != 1 {
				t.Errorf("stored %q at version %d, want the first write only", s.LastName, s.Version)
			}
		})
	}
}

// customer.create and customer.info read their arguments the same ways,
// and create ignores anything that would choose stored fields for it.
func TestCreateAndInfoArguments_MergeBodyAndQuery(t *testing.T) {
	form := url.Values{
		"email": {"New.Customer@Example.com"}, "password": {createPassword}, "firstName": {"New"},
		"lastName": {"Customer"}, "tags": {"VIP, GOLD"}, "status": {"INACTIVE"},
	}.Encode()
	tests := []struct {
		name        string
		query       string
		contentType string
		body        string
		firstName   string
		tags        []string
		status      string
	}{
		{"JSON body", "", jsonType, `{` + newCustomerArgs + `,"tags":["VIP"]}`, "New", []string{"VIP"}, "ACTIVE"},
		{"form body with comma-separated tags", "", formType, form, "New", []string{"VIP", "GOLD"}, "INACTIVE"},
		{"query wins over the JSON body", "firstName=Query&tags=A&tags=B", jsonType, `{` + newCustomerArgs + `,"tags":["VIP"]}`, "Query", []string{"A", "B"}, "ACTIVE"},
		{"query wins over the form body", "firstName=Query", formType, form, "Query", []string{"VIP", "GOLD"}, "INACTIVE"},
		{"stored fields cannot be chosen", "", jsonType,
			`{` + newCustomerArgs + `,"id":"chosen","_id":"chosen","version":7,"createdAt":"2000-01-01T00:00:00Z","hash":"$2a$04$x"}`,
			"New", []string{}, "ACTIVE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t)
			target := "customer.create"
			if tt.query != "" {
				target += "?" + tt.query
			}
			created := customerOf(t, a.serve(t, a.request("POST", target, tt.contentType, tt.body)))
			id, _ := created["id"].(string)
			s := a.stored(t, id)
			if s.ID == "chosen" || s.Version != 0 || s.CreatedAt.Year() == 2000 || s.Email != "new.customer@example.com" ||
				s.FirstName != tt.firstName || !slices.Equal(s.Tags, tt.tags) || s.Status != tt.status ||
				!s.PasswordHash.Matches(createPassword) {
				t.Errorf("stored %+v", s)
			}
			if _, err := a.repo.Get(context.Background(), "chosen"); !errors.Is(err, domain.ErrCustomerNotFound) {
				t.Errorf("a customer was stored under the id the caller chose: %v", err)
			}
			assertAnswerIsStored(t, created, s)

			// customer.info finds it however the id is sent.
			for _, r := range []*http.Request{
				a.request("GET", "customer.info?id="+id, "", ""),
				a.request("POST", "customer.info?id="+id, "", ""),
				a.request("POST", "customer.info", formType, "id="+id),
				a.request("POST", "customer.info", jsonType, `{"id":"`+id+`"}`),
				a.request("POST", "customer.info?id="+id, jsonType, `{"id":"`+unknownID+`"}`),
			} {
				assertAnswerIsStored(t, customerOf(t, a.serve(t, r)), s)
			}
		})
	}
}
