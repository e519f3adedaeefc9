package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/microbase-io/customer-service/test/support/servicetest"
)

// form calls method with a form body, as curl -d does.
func form(t *testing.T, svc *servicetest.Service, method string, values url.Values) servicetest.Answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, svc.URL+method, strings.NewReader(values.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+svc.Token)
	return servicetest.Do(t, req)
}

// query calls method with GET and its arguments in the query string.
func query(t *testing.T, svc *servicetest.Service, method, rawQuery string) servicetest.Answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, svc.URL+method+"?"+rawQuery, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+svc.Token)
	return servicetest.Do(t, req)
}

func ok(t *testing.T, a servicetest.Answer) map[string]any {
	t.Helper()
	if a.Status != http.StatusOK || a.Body["ok"] != true {
		t.Fatalf("answer %d %s, want ok", a.Status, a.Raw)
	}
	return a.Body
}

func listData(t *testing.T, a servicetest.Answer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, c := range ok(t, a)["data"].([]any) {
		out = append(out, c.(map[string]any))
	}
	return out
}

func addressList(c map[string]any) []map[string]any {
	var out []map[string]any
	for _, a := range c["addresses"].([]any) {
		out = append(out, a.(map[string]any))
	}
	return out
}

// A MicroBase client's whole customer lifecycle, each call in the shape
// such a client sends it.
func TestFullCustomerLifecycleOverHTTP(t *testing.T) {
	svc := servicetest.Start(t)

	created := svc.Call(t, "customer.create", map[string]any{
		"email": "John.Doe@Gmail.com", "password": "s3cret-pass", "firstName": "John", "lastName": "Doe",
		"addresses": []any{seedAddress},
	}).Customer(t)
	id := created["id"].(string)

	if info := query(t, svc, "customer.info", "id="+id).Customer(t); info["email"] != "john.doe@gmail.com" || info["version"] != 0.0 {
		t.Fatalf("info %v", info)
	}

	listed := listData(t, svc.Call(t, "customer.list", map[string]any{"id": id + ",HkhhuXESl", "fields": "-addresses"}))
	if len(listed) != 1 || listed[0]["id"] != id || listed[0]["addresses"] != nil {
		t.Fatalf("list %v, want the customer without addresses", listed)
	}

	updated := svc.Call(t, "customer.update", map[string]any{"id": id, "lastName": "Smith", "tags": []string{"VIP"}}).Customer(t)
	if updated["lastName"] != "Smith" || updated["version"] != 1.0 {
		t.Fatalf("update %v", updated)
	}
	if vip := listData(t, query(t, svc, "customer.list", "tags=VIP&tags=GOLD&status=ACTIVE")); len(vip) != 1 || vip[0]["id"] != id {
		t.Fatalf("VIPs %v, want the customer", vip)
	}

	home := map[string]any{"name": "Home", "firstName": "John", "address_1": "2 Main Street", "postCode": "61702",
		"city": "Bloomington", "state": "Illinois", "country": "us"}
	withHome := svc.Call(t, "customer.address.create", map[string]any{"customerId": id, "addresses": []any{home}}).Customer(t)
	addresses := addressList(withHome)
	if len(addresses) != 2 || addresses[1]["country"] != "US" || addresses[0]["id"] == addresses[1]["id"] || withHome["version"] != 2.0 {
		t.Fatalf("after address.create %v", withHome)
	}
	homeID := addresses[1]["id"].(string)

	got := ok(t, query(t, svc, "customer.address.info", "customerId="+id+"&addressId="+homeID))["address"].(map[string]any)
	if got["id"] != homeID || got["address_1"] != "2 Main Street" {
		t.Fatalf("address.info %v", got)
	}

	moved := map[string]any{"id": homeID, "name": "Home", "firstName": "John", "address_1": "3 Main Street", "postCode": "61702",
		"city": "Bloomington", "state": "Illinois", "country": "US"}
	afterUpdate := svc.Call(t, "customer.address.update", map[string]any{"customerId": id, "address": moved}).Customer(t)
	if a := addressList(afterUpdate); len(a) != 2 || a[1]["id"] != homeID || a[1]["address_1"] != "3 Main Street" || afterUpdate["lastName"] != "Smith" {
		t.Fatalf("after address.update %v", afterUpdate)
	}

	afterRemove := form(t, svc, "customer.address.remove", url.Values{"customerId": {id}, "addressId": {homeID}}).Customer(t)
	if a := addressList(afterRemove); len(a) != 1 || a[0]["id"] == homeID || afterRemove["version"] != 4.0 {
		t.Fatalf("after address.remove %v", afterRemove)
	}
	form(t, svc, "customer.address.info", url.Values{"customerId": {id}, "addressId": {homeID}}).Error(t, http.StatusNotFound, "customer_address_not_found")

	ok(t, form(t, svc, "customer.checkCredentials", url.Values{"email": {" JOHN.doe@gmail.com"}, "password": {"s3cret-pass"}}))
	svc.Call(t, "customer.checkCredentials", map[string]any{"email": "john.doe@gmail.com", "password": "wrong-pass"}).Error(t, http.StatusUnauthorized, "bad_credentials")
	svc.Call(t, "customer.update", map[string]any{"id": id, "status": "INACTIVE"}).Customer(t)
	svc.Call(t, "customer.checkCredentials", map[string]any{"email": "john.doe@gmail.com", "password": "s3cret-pass"}).Error(t, http.StatusUnauthorized, "bad_credentials")

	if body := ok(t, svc.Call(t, "customer.remove", map[string]any{"id": id})); len(body) != 1 {
		t.Fatalf("remove answered %v, want just ok", body)
	}
	svc.Call(t, "customer.remove", map[string]any{"id": id}).Error(t, http.StatusNotFound, "customer_not_found")
	svc.Call(t, "customer.info", map[string]any{"id": id}).Error(t, http.StatusNotFound, "customer_not_found")
	svc.Call(t, "customer.checkCredentials", map[string]any{"email": "john.doe@gmail.com", "password": "s3cret-pass"}).Error(t, http.StatusUnauthorized, "bad_credentials")
}

// post is Call for goroutines other than the test's, which must not stop
// the test: it returns what went wrong instead.
func post(svc *servicetest.Service, method string, args any) (int, []byte, error) {
	b, err := json.Marshal(args)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequest(http.MethodPost, svc.URL+method, bytes.NewReader(b))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+svc.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err == nil && bytes.Contains(raw, []byte(`"password"`)) {
		err = fmt.Errorf("%s answered a password field: %s", method, raw)
	}
	return resp.StatusCode, raw, err
}

// concurrently runs each call in its own goroutine and fails the test for
// every call that did not answer 200.
func concurrently(t *testing.T, svc *servicetest.Service, calls ...func() (string, any)) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(calls))
	for _, call := range calls {
		wg.Go(func() {
			method, args := call()
			status, raw, err := post(svc, method, args)
			if err == nil && status != http.StatusOK {
				err = fmt.Errorf("%s answered %d %s", method, status, raw)
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestConcurrentAddressWritesAllSurviveOverHTTP(t *testing.T) {
	svc := servicetest.Start(t)
	id := svc.Call(t, "customer.create", map[string]any{
		"email": "ada@example.com", "password": "s3cret-pass", "firstName": "Ada", "lastName": "Lovelace",
	}).Customer(t)["id"].(string)

	const writers = 8
	calls := make([]func() (string, any), writers)
	for i := range calls {
		calls[i] = func() (string, any) {
			address := map[string]any{"name": fmt.Sprint("Address ", i), "firstName": "Ada", "address_1": "1 Main St",
				"postCode": "1", "city": "C", "state": "S", "country": "GB"}
			return "customer.address.create", map[string]any{"customerId": id, "addresses": []any{address}}
		}
	}
	concurrently(t, svc, calls...)
	c := svc.Call(t, "customer.info", map[string]any{"id": id}).Customer(t)
	var names []string
	for _, a := range addressList(c) {
		names = append(names, a["name"].(string))
	}
	for i := range writers {
		if !slices.Contains(names, fmt.Sprint("Address ", i)) {
			t.Errorf("address %d lost; stored %v", i, names)
		}
	}
	if len(names) != writers || c["version"] != float64(writers) {
		t.Fatalf("%d addresses at version %v, want %d at %d", len(names), c["version"], writers, writers)
	}

	// An address update racing a customer update: both land.
	first := addressList(c)[0]
	moved := map[string]any{"id": first["id"], "name": "Moved", "firstName": "Ada", "address_1": "2 Rue de Rivoli",
		"postCode": "75001", "city": "Paris", "state": "IDF", "country": "FR"}
	concurrently(t, svc,
		func() (string, any) {
			return "customer.address.update", map[string]any{"customerId": id, "address": moved}
		},
		func() (string, any) { return "customer.update", map[string]any{"id": id, "lastName": "King"} },
	)
	c = svc.Call(t, "customer.info", map[string]any{"id": id}).Customer(t)
	if a := addressList(c)[0]; c["lastName"] != "King" || a["city"] != "Paris" || c["version"] != float64(writers+2) {
		t.Fatalf("lastName %v, city %v, version %v: want both writes", c["lastName"], a["city"], c["version"])
	}
}

func TestListPagesOver25CustomersOverHTTP(t *testing.T) {
	svc := servicetest.Start(t)
	var want []string
	for i := range 25 {
		want = append(want, svc.Call(t, "customer.create", map[string]any{
			"email": fmt.Sprintf("c%02d@example.com", i), "password": "s3cret-pass", "firstName": "C", "lastName": "D",
			"addresses": []any{seedAddress},
		}).Customer(t)["id"].(string))
	}
	var got []string
	for skip := 0; ; skip += 10 {
		page := listData(t, query(t, svc, "customer.list", fmt.Sprintf("limit=10&skip=%d&fields=-addresses", skip)))
		for _, c := range page {
			if _, has := c["addresses"]; has {
				t.Fatalf("fields=-addresses answered addresses: %v", c)
			}
			got = append(got, c["id"].(string))
		}
		if len(page) < 10 {
			break
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("pages gave %v\nwant each customer once, in creation order: %v", got, want)
	}
}
