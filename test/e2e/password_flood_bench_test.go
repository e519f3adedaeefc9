package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/test/support/servicetest"
)

// BenchmarkCustomerInfoDuringACheckCredentialsFlood measures, through the
// built binary on its embedded store, at the default bcrypt cost, what
// customer.info answers in alone and while 64 clients send
// customer.checkCredentials with wrong passwords as fast as they are
// answered: the bcrypt slots bound the flood's hashing, so that other
// calls keep answering. Lockout is set out of reach, so that
// every call of the flood costs its bcrypt comparison. It reports p50 and
// p99 of each phase, the flood's answers per second and the share of them
// refused busy; it asserts nothing. Run it with
// go test -run '^$' -bench CheckCredentialsFlood -benchtime 1x ./test/e2e/
//
// It runs once with the default bcrypt slots (one per core but one, at
// least one) and once with one per core, the choice CUSTOMER_BCRYPT_SLOTS
// offers: a core kept from bcrypt for the other calls, against the
// password throughput of every core.
func BenchmarkCustomerInfoDuringACheckCredentialsFlood(b *testing.B) {
	b.Run("slots=default", func(b *testing.B) { floodCustomerInfo(b, 0) })
	b.Run("slots=per-core", func(b *testing.B) { floodCustomerInfo(b, runtime.GOMAXPROCS(0)) })
}

func floodCustomerInfo(b *testing.B, slots int) {
	const (
		flooders = 64
		calls    = 400 // customer.info calls timed in each phase
	)
	p := servicetest.StartProcess(b, servicetest.BuildBinary(b),
		"CUSTOMER_HTTP_ADDR=127.0.0.1:0", "CUSTOMER_ADMIN_ADDR=127.0.0.1:0",
		"CUSTOMER_DATA_DIR="+b.TempDir(), "CUSTOMER_TOKEN_SECRET="+servicetest.Secret,
		"CUSTOMER_LOGIN_MAX_FAILURES=100000000", "CUSTOMER_BCRYPT_SLOTS="+strconv.Itoa(slots))
	api := p.Client(b)
	created := api.Call(b, "customer.create", map[string]any{
		"email": "ada@example.com", "password": "s3cret-pass", "firstName": "Ada", "lastName": "Lovelace",
	})
	id, _ := created.Customer(b)["id"].(string)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: flooders * 2}}
	call := func(ctx context.Context, method string, args map[string]any) (int, error) {
		body, _ := json.Marshal(args)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, api.URL+method, bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+api.Token)
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, nil
	}
	timeInfo := func() (p50, p99 time.Duration) {
		took := make([]time.Duration, 0, calls)
		for range calls {
			start := time.Now()
			status, err := call(context.Background(), "customer.info", map[string]any{"id": id})
			if err != nil || status != http.StatusOK {
				b.Fatalf("customer.info: %d, %v", status, err)
			}
			took = append(took, time.Since(start))
		}
		slices.Sort(took)
		return took[len(took)/2], took[len(took)*99/100]
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

	for b.Loop() {
		aloneP50, aloneP99 := timeInfo()

		ctx, stop := context.WithCancel(context.Background())
		var answered, busy, other atomic.Int64
		var wg sync.WaitGroup
		for range flooders {
			wg.Go(func() {
				for ctx.Err() == nil {
					status, err := call(ctx, "customer.checkCredentials", map[string]any{"email": "ada@example.com", "password": "wrong-pass"})
					switch {
					case ctx.Err() != nil:
					case err == nil && status == http.StatusUnauthorized:
						answered.Add(1)
					case err == nil && status == http.StatusServiceUnavailable:
						busy.Add(1)
					default:
						other.Add(1)
					}
				}
			})
		}
		time.Sleep(2 * time.Second) // the flood fills the slots' queue
		started := time.Now()
		floodP50, floodP99 := timeInfo()
		elapsed := time.Since(started)
		n, refused := answered.Load(), busy.Load()
		stop()
		wg.Wait()
		if other.Load() > 0 {
			b.Fatalf("%d calls of the flood answered neither 401 nor 503", other.Load())
		}
		b.ReportMetric(ms(aloneP50), "alone-p50-ms")
		b.ReportMetric(ms(aloneP99), "alone-p99-ms")
		b.ReportMetric(ms(floodP50), "flood-p50-ms")
		b.ReportMetric(ms(floodP99), "flood-p99-ms")
		b.ReportMetric(float64(n+refused)/(elapsed.Seconds()+2), "flood-answers/s")
		b.ReportMetric(float64(refused)/float64(max(n+refused, 1)), "flood-busy-share")
	}
}
