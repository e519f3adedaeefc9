package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/domain"
	"github.com/microbase-io/customer-service/test/support/servicetest"
)

// largestAddress is an address at every length limit, in 4-byte
// characters: about 10 KB of JSON.
func largestAddress(i int) map[string]any {
	text := func(n int) string { return strings.Repeat("\U0001D11E", n) }
	return map[string]any{
		"name": text(domain.MaxNameLength-3) + fmt.Sprintf("%03d", i), "firstName": text(domain.MaxNameLength),
		"lastName": text(domain.MaxNameLength), "address_1": text(domain.MaxTextLength), "address_2": text(domain.MaxTextLength),
		"postCode": text(domain.MaxTextLength), "city": text(domain.MaxTextLength), "state": text(domain.MaxTextLength),
		"country": "US", "company": text(domain.MaxTextLength), "phone": 2173203531, "instructions": text(domain.MaxNoteLength),
	}
}

// largestCustomer is a customer create's body for a customer of 50
// addresses at their limits: about half a megabyte.
func largestCustomer(i int) map[string]any {
	addresses := make([]any, domain.MaxAddresses)
	for a := range addresses {
		addresses[a] = largestAddress(a)
	}
	return map[string]any{"email": fmt.Sprintf("large%d@example.com", i), "password": "s3cret-pass",
		"firstName": "Large", "lastName": "Customer", "addresses": addresses}
}

// envInt is the integer in the environment variable name, else def: the
// figures of the README come from the same test at a larger scale.
func envInt(t *testing.T, name string, def int) int {
	if v := os.Getenv(name); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("%s=%q: %v", name, v, err)
		}
		return n
	}
	return def
}

// Many callers listing many of the largest customers at once get pages
// bounded in bytes, or a 503 service_busy; the process's memory stays
// bounded whatever their number, and micro.ping keeps answering. Run at
// the README's scale with
//
//	LIST_BOUNDS_CUSTOMERS=100 LIST_BOUNDS_CALLERS=32 go test -count=1 -v -run TestManyListCallersOfLargeCustomers ./test/e2e/
func TestManyListCallersOfLargeCustomersHoldBoundedMemory(t *testing.T) {
	customers := envInt(t, "LIST_BOUNDS_CUSTOMERS", 24)
	callers := envInt(t, "LIST_BOUNDS_CALLERS", 16)
	const maxAnswer = 4 << 20
	p := servicetest.StartProcess(t, servicetest.BuildBinary(t),
		servicetest.Settings(t.TempDir(), "CUSTOMER_REQUEST_TIMEOUT=10s")...)
	api := p.Client(t)
	var ids []string
	for i := range customers {
		ids = append(ids, api.Call(t, "customer.create", largestCustomer(i)).Customer(t)["id"].(string))
	}
	p.ResetPeakRSS(t)
	before := p.PeakRSS(t)

	type listed struct {
		status int
		code   string
		bytes  int
		ids    []string
		next   string
	}
	// list calls customer.list; the customers' ids are read only when
	// asked for, so that the callers' own work takes little of the CPU
	// the service runs on.
	list := func(body string, readIDs bool) (listed, error) {
		req, _ := http.NewRequest(http.MethodPost, api.URL+"customer.list", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+api.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return listed{}, err
		}
		defer resp.Body.Close()
		// A caller slow to read its answer.
		time.Sleep(200 * time.Millisecond)
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			return listed{}, err
		}
		decoded := raw
		if i := bytes.Index(raw, []byte(`,"data":[`)); i > 0 && !readIDs {
			decoded = append(raw[:i:i], '}')
		}
		var answer struct {
			Error string `json:"error"`
			Page  struct {
				Next string `json:"next"`
			} `json:"page"`
			Data []struct {
				ID string `json:"id"`
			} `json:"data"`
		}
		if err := json.Unmarshal(decoded, &answer); err != nil {
			return listed{}, fmt.Errorf("answer %d is not JSON: %.200s", resp.StatusCode, raw)
		}
		l := listed{status: resp.StatusCode, code: answer.Error, bytes: len(raw), next: answer.Page.Next}
		for _, d := range answer.Data {
			l.ids = append(l.ids, d.ID)
		}
		return l, nil
	}

	stop := make(chan struct{})
	pings := make(chan []time.Duration)
	go func() {
		var took []time.Duration
		for {
			select {
			case <-stop:
				pings <- took
				return
			case <-time.After(10 * time.Millisecond):
			}
			t0 := time.Now()
			if resp, err := http.Get(api.URL + "micro.ping"); err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				took = append(took, time.Since(t0))
			}
		}
	}()
	answers := make([]listed, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for c := range callers {
		wg.Go(func() { answers[c], errs[c] = list(`{"limit":100}`, c == 0) })
	}
	wg.Wait()
	close(stop)
	took := <-pings
	peak := p.PeakRSS(t)

	served, busy, largest := 0, 0, 0
	for c, a := range answers {
		switch {
		case errs[c] != nil:
			t.Errorf("caller %d: %v", c, errs[c])
		case a.status == http.StatusOK:
			served++
			largest = max(largest, a.bytes)
			if len(a.ids) > 1 && a.bytes > maxAnswer+1024 {
				t.Errorf("caller %d got %d bytes for %d customers, over the %d bytes of an answer", c, a.bytes, len(a.ids), maxAnswer)
			}
			if c == 0 && (len(a.ids) == 0 || !slices.Equal(a.ids, ids[:len(a.ids)])) {
				t.Errorf("caller %d got customers %v, want the first ones", c, a.ids)
			}
			if a.bytes > maxAnswer/2 && a.next == "" {
				t.Errorf("caller %d got a page of %d bytes without a next", c, a.bytes)
			}
		case a.status == http.StatusServiceUnavailable && a.code == "service_busy":
			busy++
		default:
			t.Errorf("caller %d: answer %d %s", c, a.status, a.code)
		}
	}
	slices.Sort(took)
	var p50, p99 time.Duration
	if len(took) > 0 {
		p50, p99 = took[len(took)/2], took[len(took)*99/100]
	}
	t.Logf("%d callers of customer.list (limit 100) over %d customers of ~%d KB: %d served (largest answer %d bytes), %d service_busy; "+
		"peak RSS %.1f MiB (%.1f MiB before the calls); micro.ping meanwhile: %d calls, p50 %s, p99 %s",
		callers, customers, len(mustJSON(t, largestCustomer(0)))>>10, served, largest, busy,
		float64(peak)/(1<<20), float64(before)/(1<<20), len(took), p50.Round(time.Microsecond), p99.Round(time.Microsecond))
	// What the requests in flight hold is bounded by CUSTOMER_MAX_HELD_BYTES
	// (32 MiB); the rest is the runtime, the store's cache and garbage
	// not yet collected.
	if limit := before + 192<<20; peak > limit {
		t.Errorf("peak RSS %d MiB, want at most %d MiB", peak>>20, limit>>20)
	}
	if served == 0 {
		t.Errorf("no caller was served")
	}

	// Walking by next from the first page meets every customer once.
	var walked []string
	body := `{"limit":100,"fields":"-tags"}`
	for range customers + 1 {
		a, err := list(body, true)
		if err != nil || a.status != http.StatusOK {
			t.Fatalf("walk: %+v %v", a, err)
		}
		walked = append(walked, a.ids...)
		if a.next == "" {
			break
		}
		body = `{"limit":100,"fields":"-tags","after":"` + a.next + `"}`
	}
	if !slices.Equal(walked, ids) {
		t.Errorf("the walk met %d customers, want each of the %d once, in order", len(walked), len(ids))
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
