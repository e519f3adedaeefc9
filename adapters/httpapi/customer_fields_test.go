package httpapi

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/jsonview"
)

func fieldsTestCustomer(withTimes bool) jsonview.Customer {
	phone := int64(2173203531)
	c := jsonview.Customer{
		Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace", Status: "ACTIVE",
		Tags:      []string{"VIP"},
		Addresses: []jsonview.Address{{AddressFields: jsonview.AddressFields{Name: "Work", FirstName: "Ada", Address1: "1 Main St", PostCode: "1", City: "C", State: "S", Country: "US", Phone: &phone}, ID: "a1"}},
		ID:        "c1", Version: 3,
	}
	if withTimes {
		created := jsonview.Timestamp(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
		updated := jsonview.Timestamp(time.Date(2026, 5, 1, 1, 0, 0, 0, time.UTC))
		c.CreatedAt, c.UpdatedAt = created, updated
	}
	return c
}

// Selecting every field renders exactly what jsonview.Customer renders, so a
// field added there and forgotten in customerFields fails here.
func TestProjectedCustomer_AllFieldsRenderAsCustomerJSON(t *testing.T) {
	for _, withTimes := range []bool{true, false} {
		c := fieldsTestCustomer(withTimes)
		want, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendProjected(nil, c, selectFields(nil))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("projected\n%s\nwant\n%s", got, want)
		}
	}
}

func TestSelectFields(t *testing.T) {
	all := []string{"email", "firstName", "lastName", "status", "tags", "addresses", "id", "version", "createdAt", "updatedAt"}
	tests := []struct {
		name  string
		names []string
		want  []string
	}{
		{"nothing: all", nil, all},
		{"exclusions", []string{"-addresses", "-tags"}, []string{"email", "firstName", "lastName", "status", "id", "version", "createdAt", "updatedAt"}},
		{"picks, id kept", []string{"status", "email"}, []string{"email", "status", "id"}},
		{"picks less exclusions", []string{"email", "status", "-status"}, []string{"email", "id"}},
		{"id cannot be excluded", []string{"-id"}, all},
		{"only id", []string{"id"}, []string{"id"}},
		{"unknown and forbidden names ignored", []string{"password", "-password", "_id", "addresses.city", "EMAIL"}, all},
		{"a bare dash is ignored", []string{"-"}, all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel := selectFields(tt.names)
			var got []string
			for i, f := range customerFields {
				if sel[i] {
					got = append(got, f.name)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("selectFields(%q) = %v, want %v", tt.names, got, tt.want)
			}
		})
	}
}
