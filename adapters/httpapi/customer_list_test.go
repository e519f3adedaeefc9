package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"testing"
)

// listFixture stores ada (VIP, GOLD), grace (VIP), alan (GOLD, INACTIVE)
// and returns their ids by name.
func listFixture(t *testing.T, a *api) map[string]string {
	t.Helper()
	ids := map[string]string{
		"ada":   a.addCustomer(t, "ada@example.com", adaPassword, "VIP", "GOLD"),
		"grace": a.addCustomer(t, "grace@example.com", gracePassword, "VIP"),
		"alan":  a.addCustomer(t, "alan@example.com", adaPassword, "GOLD"),
	}
	a.addWorkAddress(t, ids["ada"])
	got := a.call(t, "customer.update", `{"id":"`+ids["alan"]+`","status":"INACTIVE"}`)
	customerOf(t, got)
	return ids
}

// listed returns the data of a customer.list answer, checking its shape.
func listed(t *testing.T, got answer) []map[string]any {
	t.Helper()
	if got.status != http.StatusOK {
		t.Fatalf("list answered %d %s", got.status, got.raw)
	}
	keys := make([]string, 0, len(got.body))
	for k := range got.body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if !slices.Equal(keys, []string{"data", "ok", "page"}) {
		t.Fatalf("answer keys %v, want data, ok and page", keys)
	}
	data, ok := got.body["data"].([]any)
	if !ok {
		t.Fatalf("data is %T, want a list: %s", got.body["data"], got.raw)
	}
	out := make([]map[string]any, len(data))
	for i, d := range data {
		out[i] = d.(map[string]any)
	}
	return out
}

func listedIDs(t *testing.T, got answer) []string {
	t.Helper()
	out := []string{}
	for _, c := range listed(t, got) {
		out = append(out, c["id"].(string))
	}
	return out
}

func TestCustomerList_FiltersInEveryShapeMatchAnyAndCombineWithAnd(t *testing.T) {
	a := newFullAPI(t)
	ids := listFixture(t, a)
	ada, grace, alan := ids["ada"], ids["grace"], ids["alan"]
	tests := []struct {
		name          string
		target, ctype string
		body          string
		want          []string
	}{
		{"no filter: all, in creation order", "customer.list", jsonType, `{}`, []string{ada, grace, alan}},
		{"ids as MicroBase's docs send them: one comma-separated string", "customer.list", jsonType,
			`{"id":"` + alan + `,` + ada + `"}`, []string{ada, alan}},
		{"ids as a JSON array", "customer.list", jsonType, `{"id":["` + grace + `","nobody"]}`, []string{grace}},
		{"tags repeated in the query", "customer.list?tags=GOLD&tags=NONE", "", ``, []string{ada, alan}},
		{"tags comma-separated in the query", "customer.list?tags=NONE,GOLD", "", ``, []string{ada, alan}},
		{"status in a form", "customer.list", formType, `status=INACTIVE`, []string{alan}},
		{"emails are normalised as on create", "customer.list", jsonType, `{"email":" GRACE@Example.com, alan@example.COM"}`, []string{grace, alan}},
		{"filters combine with and", "customer.list", jsonType,
			`{"tags":["VIP"],"status":"ACTIVE","id":["` + grace + `","` + alan + `"]}`, []string{grace}},
		{"nothing matches: an empty page", "customer.list", jsonType, `{"email":"nobody@example.com"}`, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := a.serve(t, a.request(http.MethodPost, tt.target, tt.ctype, tt.body))
			if ids := listedIDs(t, got); !slices.Equal(ids, tt.want) {
				t.Fatalf("listed %v, want %v", ids, tt.want)
			}
		})
	}
}

func TestCustomerList_PageDefaultsAndCaps(t *testing.T) {
	a := newFullAPI(t)
	for i := range 105 {
		a.addCustomer(t, fmt.Sprintf("c%03d@example.com", i), adaPassword)
	}
	tests := []struct {
		name, target, body string
		wantLen            int
		wantPage           string
	}{
		{"defaults", "customer.list", `{}`, 10, `{"limit":10,"skip":0}`},
		{"limit and skip as JSON numbers", "customer.list", `{"limit":3,"skip":100}`, 3, `{"limit":3,"skip":100}`},
		{"limit and skip as query strings", "customer.list?limit=4&skip=103", ``, 2, `{"limit":4,"skip":103}`},
		{"a limit over 100 is capped", "customer.list", `{"limit":1000}`, 100, `{"limit":100,"skip":0}`},
		{"limit 0 is capped as no limit would be", "customer.list", `{"limit":0}`, 100, `{"limit":100,"skip":0}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := a.serve(t, a.request(http.MethodGet, tt.target, jsonType, tt.body))
			if n := len(listed(t, got)); n != tt.wantLen {
				t.Errorf("%d customers, want %d", n, tt.wantLen)
			}
			page := got.body["page"].(map[string]any)
			if want := tt.wantPage; fmt.Sprintf(`{"limit":%v,"skip":%v}`, page["limit"], page["skip"]) != want {
				t.Errorf("page = %v, want %s", page, want)
			}
		})
	}
}

func TestCustomerList_PagingOver25CustomersReturnsEachOnce(t *testing.T) {
	a := newFullAPI(t)
	var want []string
	for i := range 25 {
		want = append(want, a.addCustomer(t, fmt.Sprintf("c%02d@example.com", i), adaPassword))
	}
	var got []string
	for skip := 0; ; skip += 10 {
		page := listedIDs(t, a.call(t, "customer.list", fmt.Sprintf(`{"limit":10,"skip":%d}`, skip)))
		got = append(got, page...)
		if len(page) < 10 {
			break
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("pages gave %v\nwant each customer once, in creation order: %v", got, want)
	}
}

func TestCustomerList_FieldsPickOrExcludeButAlwaysKeepID(t *testing.T) {
	a := newFullAPI(t)
	ids := listFixture(t, a)
	all := []string{"addresses", "createdAt", "email", "firstName", "id", "lastName", "status", "tags", "updatedAt", "version"}
	tests := []struct {
		name, target, body string
		want               []string
	}{
		{"no fields: all", "customer.list", `{}`, all},
		{"-addresses omits them", "customer.list", `{"fields":"-addresses"}`, without(all, "addresses")},
		{"picked names, id added", "customer.list", `{"fields":["email","firstName"]}`, []string{"email", "firstName", "id"}},
		{"picked and excluded mixed", "customer.list?fields=email,tags,-tags", ``, []string{"email", "id"}},
		{"id cannot be excluded", "customer.list", `{"fields":"-id,-email"}`, without(all, "email")},
		{"unknown names are ignored", "customer.list", `{"fields":"nickname,-shoeSize"}`, all},
		{"password cannot be picked", "customer.list", `{"fields":"password"}`, all},
		{"password with others gives the others", "customer.list?fields=password&fields=status", ``, []string{"id", "status"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			customers := listed(t, a.serve(t, a.request(http.MethodPost, tt.target, jsonType, tt.body)))
			if len(customers) != len(ids) {
				t.Fatalf("%d customers, want %d", len(customers), len(ids))
			}
			for _, c := range customers {
				keys := make([]string, 0, len(c))
				for k := range c {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				if !slices.Equal(keys, tt.want) {
					t.Fatalf("fields %v, want %v", keys, tt.want)
				}
			}
		})
	}
}

func TestCustomerList_AnswersCustomersAsInfoDoes(t *testing.T) {
	a := newFullAPI(t)
	ids := listFixture(t, a)
	got := listed(t, a.call(t, "customer.list", `{"id":"`+ids["ada"]+`"}`))
	info := customerOf(t, a.call(t, "customer.info", `{"id":"`+ids["ada"]+`"}`))
	if len(got) != 1 || fmt.Sprint(got[0]) != fmt.Sprint(info) {
		t.Fatalf("listed %v\nwant what info answers: %v", got, info)
	}
}

func TestCustomerList_Errors(t *testing.T) {
	tests := []struct {
		name, target, body string
		data               string
	}{
		{"negative limit", "customer.list", `{"limit":-1}`, `["limit: must not be negative"]`},
		{"limit as a word", "customer.list", `{"limit":"ten"}`, `["limit: must be an integer"]`},
		{"limit with a fraction", "customer.list", `{"limit":1.5}`, `["limit: must be an integer"]`},
		{"non-numeric limit in the query", "customer.list?limit=abc", ``, `["limit: must be an integer"]`},
		{"negative skip", "customer.list?skip=-10", ``, `["skip: must not be negative"]`},
		{"status not ACTIVE or INACTIVE", "customer.list", `{"status":"ACTIVE,deleted"}`, `["status: must be ACTIVE or INACTIVE"]`},
		{"tags as a number", "customer.list", `{"tags":5}`, `["tags: must be a list of strings"]`},
		{"every bad argument at once", "customer.list?limit=x", `{"skip":-1,"status":"active"}`,
			`["limit: must be an integer","skip: must not be negative","status: must be ACTIVE or INACTIVE"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newFullAPI(t)
			got := a.serve(t, a.request(http.MethodPost, tt.target, jsonType, tt.body))
			assertError(t, got, 400, "validation_error", tt.data)
		})
	}
}

func without(list []string, drop string) []string {
	return slices.DeleteFunc(slices.Clone(list), func(s string) bool { return s == drop })
}
