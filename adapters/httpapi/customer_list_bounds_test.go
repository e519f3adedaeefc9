package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// A filter built from an empty set matches nobody; an empty or blank
// value is refused: neither reads the whole customer base.
func TestCustomerList_FiltersNeverWidenToEveryone(t *testing.T) {
	a := newFullAPI(t)
	listFixture(t, a)
	nobody := []struct{ name, target, body string }{
		{"an empty JSON list of ids", "customer.list", `{"id":[]}`},
		{"an empty JSON list of tags", "customer.list", `{"tags":[]}`},
		{"an empty list beside another filter", "customer.list", `{"status":"ACTIVE","email":[]}`},
	}
	for _, tt := range nobody {
		t.Run(tt.name, func(t *testing.T) {
			got := a.serve(t, a.request(http.MethodPost, tt.target, jsonType, tt.body))
			if ids := listedIDs(t, got); len(ids) != 0 {
				t.Fatalf("listed %v, want nobody", ids)
			}
			if _, has := got.body["page"].(map[string]any)["next"]; has {
				t.Fatalf("page %v has a next", got.body["page"])
			}
		})
	}
	refused := []struct{ name, target, body, data string }{
		{"an empty string", "customer.list", `{"id":""}`, `["id: must not hold an empty value"]`},
		{"a lone comma", "customer.list", `{"id":","}`, `["id: must not hold an empty value"]`},
		{"a blank list element", "customer.list", `{"tags":[" "]}`, `["tags: must not hold an empty value"]`},
		{"an empty part among values", "customer.list", `{"email":"a@example.com,,b@example.com"}`, `["email: must not hold an empty value"]`},
		{"an empty query parameter", "customer.list?id=", ``, `["id: must not hold an empty value"]`},
		{"an empty tags parameter", "customer.list?tags=", ``, `["tags: must not hold an empty value"]`},
		{"an empty form field", "customer.list", `status=`, `["status: must not hold an empty value"]`},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			ctype := jsonType
			if !strings.HasPrefix(tt.body, "{") && tt.body != "" {
				ctype = formType
			}
			assertError(t, a.serve(t, a.request(http.MethodPost, tt.target, ctype, tt.body)), 400, "validation_error", tt.data)
		})
	}
}

// nextPage follows a page's next; "" when it has none.
func nextOf(t *testing.T, got answer) string {
	t.Helper()
	next, _ := got.body["page"].(map[string]any)["next"].(string)
	return next
}

// Following page.next meets every customer once, in creation order, from
// any filter; the last page has no next.
func TestCustomerList_NextLeadsThroughEveryCustomerOnce(t *testing.T) {
	a := newFullAPI(t)
	var all, vip []string
	for i := range 23 {
		var tags []string
		if i%2 == 0 {
			tags = []string{"VIP"}
		}
		id := a.addCustomer(t, fmt.Sprintf("c%02d@example.com", i), adaPassword, tags...)
		all = append(all, id)
		if i%2 == 0 {
			vip = append(vip, id)
		}
	}
	for _, tt := range []struct {
		name, filter string
		want         []string
	}{{"no filter", ``, all}, {"a tag", `,"tags":"VIP"`, vip}} {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			body := `{"limit":5` + tt.filter + `}`
			for pages := 0; pages < 10; pages++ {
				answer := a.call(t, "customer.list", body)
				got = append(got, listedIDs(t, answer)...)
				next := nextOf(t, answer)
				if next == "" {
					break
				}
				body = `{"limit":5,"after":"` + next + `"` + tt.filter + `}`
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("the walk gave %v\nwant %v", got, tt.want)
			}
		})
	}
	t.Run("in the query", func(t *testing.T) {
		first := a.serve(t, a.request(http.MethodGet, "customer.list?limit=20", "", ""))
		rest := a.serve(t, a.request(http.MethodGet, "customer.list?limit=20&after="+nextOf(t, first), "", ""))
		if got := append(listedIDs(t, first), listedIDs(t, rest)...); !slices.Equal(got, all) || nextOf(t, rest) != "" {
			t.Fatalf("two pages gave %v (next %q), want %v", got, nextOf(t, rest), all)
		}
	})
	t.Run("skip pages have a next too", func(t *testing.T) {
		page := a.call(t, "customer.list", `{"limit":5,"skip":5}`)
		rest := a.call(t, "customer.list", `{"limit":100,"after":"`+nextOf(t, page)+`"}`)
		if got := listedIDs(t, rest); !slices.Equal(got, all[10:]) {
			t.Fatalf("after a skip page: %v, want %v", got, all[10:])
		}
	})
	t.Run("after is refused with skip, or when made up", func(t *testing.T) {
		next := nextOf(t, a.call(t, "customer.list", `{"limit":1}`))
		assertError(t, a.call(t, "customer.list", `{"after":"`+next+`","skip":0}`), 400, "validation_error", `["after: cannot be combined with skip"]`)
		assertError(t, a.call(t, "customer.list", `{"after":"bogus"}`), 400, "validation_error", `["after: must be the page.next of an earlier page"]`)
	})
}

// addBigCustomer stores a customer whose JSON is about size bytes (in its
// addresses' instructions).
func (a *api) addBigCustomer(t *testing.T, email string, size int) string {
	t.Helper()
	id := a.addCustomer(t, email, adaPassword)
	in := domain.AddressInput{Name: "Work", FirstName: "Ada", Address1: "1 Main St", PostCode: "1", City: "C", State: "S", Country: "US"}
	var inputs []domain.AddressInput
	for size > 0 {
		n := min(size, 1000)
		in.Instructions = strings.Repeat("x", n)
		inputs = append(inputs, in)
		size -= n
	}
	if _, err := application.NewAddAddresses(a.repo, a.clock).Handle(context.Background(), application.AddAddressesCommand{CustomerID: id, Addresses: inputs}); err != nil {
		t.Fatal(err)
	}
	return id
}

// A page stops once it holds the answer's bytes, with a next that goes on
// from there: an answer's size is bounded however large customers are.
func TestCustomerList_APageEndsAtTheAnswerBytesAndNextGoesOn(t *testing.T) {
	const answerBytes = 10 << 10
	a := newAPI(t, withHeldBytes(answerBytes, 1<<20))
	var want []string
	for i := range 9 {
		want = append(want, a.addBigCustomer(t, fmt.Sprintf("big%d@example.com", i), 3000))
	}
	huge := a.addBigCustomer(t, "huge@example.com", 3*answerBytes)
	want = append(want, huge)

	var got []string
	body := `{"limit":100}`
	for pages := 1; ; pages++ {
		answer := a.call(t, "customer.list", body)
		ids := listedIDs(t, answer)
		got = append(got, ids...)
		if len(ids) > 1 && len(answer.raw) > answerBytes+200 {
			t.Errorf("page %d is %d bytes for %d customers, over the %d bytes of an answer", pages, len(answer.raw), len(ids), answerBytes)
		}
		next := nextOf(t, answer)
		if next == "" {
			break
		}
		if len(ids) == 100 || pages > 20 {
			t.Fatalf("page %d of %d customers still has a next", pages, len(ids))
		}
		body = `{"limit":100,"after":"` + next + `"}`
	}
	if !slices.Equal(got, want) {
		t.Fatalf("pages gave %v\nwant every customer once, the one larger than an answer alone: %v", got, want)
	}
	// Leaving the addresses out makes the same customers fit one page.
	if ids := listedIDs(t, a.call(t, "customer.list", `{"limit":100,"fields":"-addresses"}`)); len(ids) != len(want) {
		t.Fatalf("without addresses one page holds %d, want %d", len(ids), len(want))
	}
}

// listRecorder records the queries a store is asked.
type listRecorder struct {
	*sqlite.Store
	mu      sync.Mutex
	queries []application.ListQuery
}

func (r *listRecorder) List(ctx context.Context, q application.ListQuery, each func(*domain.Customer) error) error {
	r.mu.Lock()
	r.queries = append(r.queries, q)
	r.mu.Unlock()
	return r.Store.List(ctx, q, each)
}

// Fields that leave out the addresses spare the store reading them.
func TestCustomerList_FieldsWithoutAddressesAreNotRead(t *testing.T) {
	var rec *listRecorder
	a := newFullAPI(t, func(s *sqlite.Store) application.CustomerRepository {
		rec = &listRecorder{Store: s}
		return rec
	})
	listFixture(t, a)
	tests := []struct {
		fields string
		read   bool
	}{{``, true}, {`-addresses`, false}, {`id,email`, false}, {`addresses,email`, true}, {`-tags`, true}}
	for _, tt := range tests {
		rec.queries = nil
		a.call(t, "customer.list", `{"fields":"`+tt.fields+`"}`)
		if len(rec.queries) != 1 || rec.queries[0].WithoutAddresses == tt.read {
			t.Errorf("fields %q: store asked %+v, want addresses read: %v", tt.fields, rec.queries, tt.read)
		}
	}
}

// heldList holds the first page it lists until released, as a slow
// client's answer would.
type heldList struct {
	*sqlite.Store
	listing chan struct{}
	release chan struct{}
	once    sync.Once
}

func (h *heldList) List(ctx context.Context, q application.ListQuery, each func(*domain.Customer) error) error {
	first := true
	return h.Store.List(ctx, q, func(c *domain.Customer) error {
		if err := each(c); err != nil {
			return err
		}
		if first {
			first = false
			h.once.Do(func() {
				close(h.listing)
				<-h.release
			})
		}
		return nil
	})
}

// Callers beyond the room of the requests in flight wait within their
// deadline and are told the service is busy, with a Retry-After; once room
// is free again they are served, and the room is all given back.
func TestCustomerList_CallersBeyondTheRoomAreBusyThenServed(t *testing.T) {
	held := &heldList{listing: make(chan struct{}), release: make(chan struct{})}
	observer := &recordingObserver{}
	a := newAPI(t, withHeldBytes(4<<10, 4<<10), withObserver(observer),
		withRepository(func(s *sqlite.Store) application.CustomerRepository { held.Store = s; return held }))
	a.addBigCustomer(t, "big@example.com", 2500)
	a.addBigCustomer(t, "big2@example.com", 2500)

	done := make(chan answer, 1)
	go func() { done <- a.call(t, "customer.list", `{}`) }()
	select {
	case <-held.listing:
	case first := <-done:
		t.Fatalf("the first page did not wait: %s", first.raw)
	}
	// This caller gives up sooner than the request timeout.
	impatient, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	busy := a.serve(t, a.request(http.MethodPost, "customer.list", jsonType, `{}`).WithContext(impatient))
	assertError(t, busy, http.StatusServiceUnavailable, "service_busy", "")
	if busy.header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After = %q, want 1", busy.header.Get("Retry-After"))
	}
	if ping := a.call(t, "micro.ping", `{}`); ping.status != http.StatusOK {
		t.Errorf("micro.ping answered %d while the room was full", ping.status)
	}
	close(held.release)
	if first := <-done; len(listedIDs(t, first)) != 1 {
		t.Errorf("the held page has %d customers, want 1 (the room held one)", len(listedIDs(t, first)))
	}
	if got := listedIDs(t, a.call(t, "customer.list", `{"fields":"id"}`)); len(got) != 2 {
		t.Errorf("after the room is free: %v, want both customers", got)
	}
	observer.mu.Lock()
	defer observer.mu.Unlock()
	if n := len(observer.held); n == 0 || observer.held[n-1] != 0 || slices.Max(observer.held) > 4<<10 {
		t.Errorf("bytes held went %v, want at most %d and back to 0", observer.held, 4<<10)
	}
}
