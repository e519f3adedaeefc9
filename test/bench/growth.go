package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The growth benchmark holds the embedded default store to a flat cost:
// the service, started as `make run` starts it (no CUSTOMER_MONGODB_URI),
// is filled through its API to each size in turn, and at each size every
// kind of call is timed from one client, then customer.update from
// several. A store whose calls scan or sort the whole table shows it as a
// ratio between the sizes.

// growthPassword is every seeded customer's password.
const growthPassword = "growth-s3cret-pass"

// population is what the benchmark created, for calls to pick from.
type population struct {
	mu     sync.Mutex
	ids    []string
	emails []string
}

func (p *population) add(id, email string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ids, p.emails = append(p.ids, id), append(p.emails, email)
}

func (p *population) size() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.ids)
}

func (p *population) pick(rng *rand.Rand) (id, email string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	i := rng.IntN(len(p.ids))
	return p.ids[i], p.emails[i]
}

// growthPhase is what one size measured.
type growthPhase struct {
	Customers int                       `json:"customers"`
	Ops       map[string]opFigures      `json:"single_client"`
	Updates   opFigures                 `json:"update_concurrent"`
	PeakRSS   int64                     `json:"peak_rss_bytes"`
	DataBytes int64                     `json:"data_dir_bytes"`
	Seeding   time.Duration             `json:"-"`
	Errors    map[string]map[string]int `json:"errors,omitempty"`
}

// opFigures summarises the successful calls of one measured run.
type opFigures struct {
	Calls      int     `json:"calls"`
	Errors     int     `json:"errors"`
	P50ms      float64 `json:"p50_ms"`
	P95ms      float64 `json:"p95_ms"`
	Throughput float64 `json:"throughput_per_s"`
}

// growthOps are the calls timed at each size, in order. Each returns the
// latencies it measured by name: the address pair times its create and its
// remove apart.
var growthOps = []string{
	"customer.info",
	"customer.update",
	"customer.list tags=VIP",
	"customer.list skip paging",
	"customer.list page 1 by cursor",
	"customer.list page 1,000 by cursor",
	"customer.list email",
	"customer.checkCredentials",
	"customer.address.create",
	"customer.address.remove",
}

func runGrowth(ctx context.Context, o config, stdout io.Writer) error {
	dir, err := os.MkdirTemp("", "customer-growth-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := os.MkdirAll(filepath.Dir(o.serviceLog), 0o755); err != nil {
		return err
	}
	_ = os.Remove(o.serviceLog)
	svc, err := startService(ctx, o.service, []string{"CUSTOMER_DATA_DIR=" + dir, "CUSTOMER_BCRYPT_COST=4"},
		o.serviceLog, max(o.growthClients, 1))
	if err != nil {
		return err
	}
	defer svc.stop()
	fmt.Fprintf(stdout, "store: the embedded SQLite store in a new data directory; load average at start %s\n", loadAverage())

	pop := &population{}
	var phases []growthPhase
	for _, size := range o.sizes {
		started := time.Now()
		if err := grow(ctx, svc, pop, size, o.growthClients); err != nil {
			return err
		}
		seeding := time.Since(started)
		fmt.Fprintf(os.Stderr, "%d customers (created %d in %s); measuring\n", size, size-sizeBefore(phases), seeding.Round(time.Millisecond))
		svc.resetPeakRSS()
		phase, err := measureGrowth(ctx, svc, pop, o)
		if err != nil {
			return err
		}
		phase.Customers, phase.Seeding = size, seeding
		phase.PeakRSS = svc.peakRSS()
		phase.DataBytes = dirSize(dir)
		phases = append(phases, phase)
	}
	report := growthReport{Date: time.Now().UTC(), LoadAverage: loadAverage(), CPUs: cpus(), Phases: phases,
		OpDuration: o.opDuration.String(), Clients: o.growthClients}
	var baseline *baselineReport
	if o.baselineRounds > 0 {
		svc.stop()
		if baseline, err = runBaseline(ctx, o, dir, pop); err != nil {
			return err
		}
	}
	if o.goBench != "" {
		gb, err := readGoBench(o.goBench)
		if err != nil {
			return err
		}
		report.GoBench = &gb
	}
	report.print(stdout)
	if baseline != nil {
		baseline.print(stdout)
	}
	if o.outDir == "" {
		return nil
	}
	if baseline != nil {
		if err := baseline.write(o.outDir, stdout); err != nil {
			return err
		}
	}
	return report.write(o.outDir, stdout)
}

func sizeBefore(phases []growthPhase) int {
	if len(phases) == 0 {
		return 0
	}
	return phases[len(phases)-1].Customers
}

// grow creates customers through the API, from clients at once, until
// there are size.
func grow(ctx context.Context, svc *serviceProcess, pop *population, size, clients int) error {
	next := atomic.Int64{}
	next.Store(int64(pop.size()))
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for w := range clients {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= int64(size) {
					return
				}
				email, body := newCustomerBody(int(i))
				answer, err := svc.call(ctx, w, "customer.create", body)
				if err != nil {
					errs <- fmt.Errorf("creating customer %d: %w", i, err)
					return
				}
				var created struct {
					Customer struct {
						ID string `json:"id"`
					} `json:"customer"`
				}
				if err := json.Unmarshal(answer, &created); err != nil || created.Customer.ID == "" {
					errs <- fmt.Errorf("creating customer %d: answer %.200s", i, answer)
					return
				}
				pop.add(created.Customer.ID, email)
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	return ctx.Err()
}

// newCustomerBody is customer number i: 1 to 3 tags, a quarter of the
// customers VIP, 1 or 2 addresses.
func newCustomerBody(i int) (email string, body []byte) {
	rng := rand.New(rand.NewPCG(uint64(i), 7))
	first := firstNames[rng.IntN(len(firstNames))]
	last := lastNames[rng.IntN(len(lastNames))]
	email = fmt.Sprintf("%s.%s.%d@growth.example", strings.ToLower(first), strings.ToLower(last), i)
	var tags []string
	if i%4 == 0 {
		tags = append(tags, "VIP")
	}
	for _, k := range rng.Perm(len(tagPool) - 1)[:1+rng.IntN(2)] {
		tags = append(tags, tagPool[k+1])
	}
	addresses := make([]map[string]any, 1+rng.IntN(2))
	for a := range addresses {
		addresses[a] = address(rng, first, last, [2]string{"Home", "Work"}[a])
	}
	body, _ = json.Marshal(map[string]any{
		"email": email, "password": growthPassword, "firstName": first, "lastName": last,
		"tags": tags, "addresses": addresses,
	})
	return email, body
}

func address(rng *rand.Rand, first, last, name string) map[string]any {
	p := places[rng.IntN(len(places))]
	return map[string]any{
		"name": name, "firstName": first, "lastName": last,
		"address_1": fmt.Sprintf("%d Main Street", 1+rng.IntN(999)),
		"postCode":  p.postCode, "city": p.city, "state": p.state, "country": p.country,
		"phone": 2_000_000_000 + rng.IntN(1_000_000_000),
	}
}

// measureGrowth times each call from one client, then customer.update
// from o.growthClients.
func measureGrowth(ctx context.Context, svc *serviceProcess, pop *population, o config) (growthPhase, error) {
	phase := growthPhase{Ops: map[string]opFigures{}, Errors: map[string]map[string]int{}}
	rng := rand.New(rand.NewPCG(uint64(pop.size()), 11))
	seq := 0
	singleClient := func(name string, call func() (map[string]time.Duration, error)) {
		latencies := map[string][]time.Duration{}
		errs := map[string]int{}
		until := time.Now().Add(o.opWarmup)
		for measuring := false; ctx.Err() == nil; {
			if !measuring && time.Now().After(until) {
				measuring, until = true, time.Now().Add(o.opDuration)
			}
			if measuring && time.Now().After(until) {
				break
			}
			seq++
			took, err := call()
			if !measuring {
				continue
			}
			if err != nil {
				errs[errorKind(err)]++
				continue
			}
			for op, d := range took {
				latencies[op] = append(latencies[op], d)
			}
		}
		for op, lat := range latencies {
			phase.Ops[op] = figures(lat, sumErrors(errs), o.opDuration)
		}
		if len(errs) > 0 {
			phase.Errors[name] = errs
		}
	}
	timed := func(op, method string, body func() map[string]any) {
		singleClient(op, func() (map[string]time.Duration, error) {
			b, _ := json.Marshal(body())
			t0 := time.Now()
			_, err := svc.call(ctx, 0, method, b)
			return map[string]time.Duration{op: time.Since(t0)}, err
		})
	}
	timed("customer.info", "customer.info", func() map[string]any {
		id, _ := pop.pick(rng)
		return map[string]any{"id": id}
	})
	timed("customer.update", "customer.update", func() map[string]any {
		id, _ := pop.pick(rng)
		return map[string]any{"id": id, "lastName": fmt.Sprintf("Smith-%d-%d", pop.size(), seq)}
	})
	timed("customer.list tags=VIP", "customer.list", func() map[string]any {
		return map[string]any{"tags": "VIP", "limit": 10, "fields": "-addresses"}
	})
	timed("customer.list skip paging", "customer.list", func() map[string]any {
		return map[string]any{"limit": 10, "skip": 10 * (seq % 15)}
	})
	deep, err := cursorAt(ctx, svc, min(deepPage*cursorPage, pop.size()-cursorPage))
	if err != nil {
		return phase, err
	}
	timed("customer.list page 1 by cursor", "customer.list", func() map[string]any {
		return map[string]any{"limit": cursorPage}
	})
	timed("customer.list page 1,000 by cursor", "customer.list", func() map[string]any {
		return map[string]any{"limit": cursorPage, "after": deep}
	})
	timed("customer.list email", "customer.list", func() map[string]any {
		_, email := pop.pick(rng)
		return map[string]any{"email": email}
	})
	timed("customer.checkCredentials", "customer.checkCredentials", func() map[string]any {
		_, email := pop.pick(rng)
		return map[string]any{"email": email, "password": growthPassword}
	})
	singleClient("customer.address.create+remove", func() (map[string]time.Duration, error) {
		return addressRoundTrip(ctx, svc, pop, rng)
	})

	updates, err := concurrentUpdates(ctx, svc, pop, o)
	if err != nil {
		return phase, err
	}
	phase.Updates = updates
	return phase, ctx.Err()
}

// The cursor pages compared: page 1 and page deepPage, of cursorPage
// customers each. With fewer customers than that, the deep page is the
// last full one.
const (
	cursorPage = 10
	deepPage   = 999
)

// cursorAt walks the list by cursor to the position after the first n
// customers, and returns the cursor there.
func cursorAt(ctx context.Context, svc *serviceProcess, n int) (string, error) {
	after := ""
	for n > 0 {
		args := map[string]any{"limit": min(n, 100), "fields": "id"}
		if after != "" {
			args["after"] = after
		}
		body, _ := json.Marshal(args)
		answer, err := svc.call(ctx, 0, "customer.list", body)
		if err != nil {
			return "", err
		}
		var page struct {
			Page struct {
				Next string `json:"next"`
			} `json:"page"`
		}
		if err := json.Unmarshal(answer, &page); err != nil || page.Page.Next == "" {
			return "", fmt.Errorf("walking to customer %d: answer %.200s", n, answer)
		}
		after, n = page.Page.Next, n-min(n, 100)
	}
	return after, nil
}

// addressRoundTrip adds an address to a customer and removes it again,
// so that customers keep their size however long the benchmark runs.
func addressRoundTrip(ctx context.Context, svc *serviceProcess, pop *population, rng *rand.Rand) (map[string]time.Duration, error) {
	id, _ := pop.pick(rng)
	body, _ := json.Marshal(map[string]any{"customerId": id, "addresses": []any{address(rng, "Bench", "Mark", "Holiday")}})
	t0 := time.Now()
	answer, err := svc.call(ctx, 0, "customer.address.create", body)
	created := time.Since(t0)
	if err != nil {
		return nil, err
	}
	var c struct {
		Customer struct {
			Addresses []struct {
				ID string `json:"id"`
			} `json:"addresses"`
		} `json:"customer"`
	}
	if err := json.Unmarshal(answer, &c); err != nil || len(c.Customer.Addresses) == 0 {
		return nil, fmt.Errorf("customer.address.create answered %.200s", answer)
	}
	added := c.Customer.Addresses[len(c.Customer.Addresses)-1].ID
	body, _ = json.Marshal(map[string]any{"customerId": id, "addressId": added})
	t1 := time.Now()
	if _, err := svc.call(ctx, 0, "customer.address.remove", body); err != nil {
		return nil, err
	}
	return map[string]time.Duration{"customer.address.create": created, "customer.address.remove": time.Since(t1)}, nil
}

// concurrentUpdates drives customer.update from o.growthClients clients
// at once, back to back, through the shared drive loop.
func concurrentUpdates(ctx context.Context, svc *serviceProcess, pop *population, o config) (opFigures, error) {
	w := &workload{ids: append([]string(nil), pop.ids...)}
	s := drive(ctx, renamer{svc}, w, o.growthClients, o.opWarmup, 2*o.opDuration, nil)
	f := figures(s.latencies, s.errors, s.window)
	return f, ctx.Err()
}

// renamer sends each update as a change of last name alone: the
// workload's other changes would make customers INACTIVE, whose
// credentials the later sizes could then not check.
type renamer struct{ *serviceProcess }

func (r renamer) update(ctx context.Context, worker int, id string, ch change) error {
	// Each change carries a value never sent before, so each is a write.
	name := cmp.Or(ch.LastName, ch.FirstName, strings.Join(ch.Tags, "-"))
	return r.serviceProcess.update(ctx, worker, id, change{LastName: name})
}

func figures(lat []time.Duration, errors int, window time.Duration) opFigures {
	sorted := append([]time.Duration(nil), lat...)
	slices.Sort(sorted)
	return opFigures{
		Calls: len(lat), Errors: errors,
		P50ms: ms(percentile(sorted, 0.50)), P95ms: ms(percentile(sorted, 0.95)),
		Throughput: float64(len(lat)) / window.Seconds(),
	}
}

func sumErrors(errs map[string]int) int {
	n := 0
	for _, k := range errs {
		n += k
	}
	return n
}

// dirSize is the bytes of the files under dir: the database, its WAL and
// its shared-memory file.
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// loadAverage is the first three fields of /proc/loadavg, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
