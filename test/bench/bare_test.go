package main

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/test/support/servicetest"
)

// The bare target is only a floor if it does the service's work: the
// same customer.update, sent to the service and to the bare target for
// two like customers on one store, leaves them alike and is answered
// with the same customer; and the bare target refuses a token the
// service would refuse, writing nothing.
func TestBareUpdate_StoresAndAnswersWhatTheServiceDoes(t *testing.T) {
	svc := servicetest.Start(t)
	create := func(email string) string {
		a := svc.Call(t, "customer.create", map[string]any{"email": email, "password": "s3cret-pass",
			"firstName": "John", "lastName": "Doe", "tags": []string{"b2b"},
			"addresses": []any{map[string]any{"name": "Work", "firstName": "John", "address_1": "1650 Bolman Court",
				"postCode": "61701", "city": "Bloomington", "state": "Illinois", "country": "US"}}})
		if a.Status != http.StatusOK {
			t.Fatalf("create: %d %s", a.Status, a.Raw)
		}
		return a.Body["customer"].(map[string]any)["id"].(string)
	}
	viaService, viaBare := create("service@example.com"), create("bare@example.com")

	store, err := sqlite.Open(context.Background(), sqlite.Options{DataDir: svc.Config.DataDir, Outbox: svc.Config.OutboxLimits(), Idempotency: svc.Config.IdempotencyLimits()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	bare := httptest.NewServer(newBareTarget(application.NewUpdateCustomer(store, application.SystemClock{}), svc.Config).handler())
	t.Cleanup(bare.Close)
	call := func(id, tok string) (int, map[string]any) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"id": id, "lastName": "Smith", "status": "INACTIVE", "tags": []string{"VIP", "b2b"}})
		req, _ := http.NewRequest(http.MethodPost, bare.URL+httpapi.BasePath+"customer.update", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var answer map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, answer
	}

	if status, answer := call(viaBare, servicetest.Token(t, "another-secret-of-at-least-32-bytes", "api")); status != http.StatusUnauthorized {
		t.Errorf("a token of another secret: %d %v, want 401", status, answer)
	}
	if status, answer := call(viaBare, servicetest.Token(t, servicetest.Secret, "other")); status != http.StatusUnauthorized {
		t.Errorf("a token without the scope: %d %v, want 401", status, answer)
	}
	if c, err := store.Get(context.Background(), viaBare); err != nil || c.Version() != 0 {
		t.Fatalf("after refused tokens: %+v (%v), want the customer untouched", c, err)
	}

	fromService := svc.Call(t, "customer.update", map[string]any{"id": viaService, "lastName": "Smith", "status": "INACTIVE",
		"tags": []string{"VIP", "b2b"}})
	status, fromBare := call(viaBare, svc.Token)
	if fromService.Status != http.StatusOK || status != http.StatusOK {
		t.Fatalf("service %d %s, bare %d %v", fromService.Status, fromService.Raw, status, fromBare)
	}
	own := func(answer map[string]any) map[string]any {
		c := maps.Clone(answer["customer"].(map[string]any))
		for _, k := range []string{"id", "email", "createdAt", "updatedAt"} {
			delete(c, k)
		}
		for _, a := range c["addresses"].([]any) {
			delete(a.(map[string]any), "id")
		}
		return c
	}
	if a, b := own(fromService.Body), own(fromBare); !reflect.DeepEqual(a, b) {
		t.Errorf("answers differ:\nservice %v\nbare    %v", a, b)
	}
	a, errA := store.Get(context.Background(), viaService)
	b, errB := store.Get(context.Background(), viaBare)
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	sa, sb := a.Snapshot(), b.Snapshot()
	if sa.LastName != sb.LastName || sa.Status != sb.Status || !reflect.DeepEqual(sa.Tags, sb.Tags) || sa.Version != sb.Version {
		t.Errorf("stored differently:\nservice %+v\nbare    %+v", sa, sb)
	}
}
