// Package backup runs the built binary's backup and restore as an
// operator would: a backup of a store while its service serves writes,
// restored into another directory and served from there.
package backup

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
	"github.com/microbase-io/customer-service/test/support/servicetest"
	"github.com/microbase-io/customer-service/test/support/sqlitetest"
	"github.com/microbase-io/customer-service/test/support/workload"
)

// The figures of the README come from
//
//	BACKUP_CUSTOMERS=100000 go test -count=1 -v -run TestABackupUnderWriteLoad ./test/backup/
//
// which seeds 100,000 customers (about half a minute); `make test` runs
// it with 2,000.
const (
	defaultCustomers = 2_000
	writers          = 4
	writeEvery       = 20 * time.Millisecond // per writer: 200 writes/s in all
	baseline         = 3 * time.Second       // of load before the backup, and after it
)

// command runs the binary's command line with dataDir as the store's
// directory, nothing else of the test's CUSTOMER_* environment.
func command(t *testing.T, bin, dataDir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := servicetest.Command(bin, "CUSTOMER_DATA_DIR="+dataDir)
	cmd.Args = append(cmd.Args, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if exit, ok := err.(*exec.ExitError); ok {
		return exit.ExitCode(), out.String(), errOut.String()
	} else if err != nil {
		t.Fatalf("%s %v: %v", bin, args, err)
	}
	return 0, out.String(), errOut.String()
}

// seed gives the store in dir n customers (one or two addresses and tags
// each, as the benchmarks' store) and returns their ids.
func seed(t *testing.T, dir string, n int) []string {
	t.Helper()
	s, err := sqlite.Open(context.Background(), sqlitetest.Options(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	addresses := []domain.Address{
		{AddressInput: domain.AddressInput{Name: "Work", FirstName: "John", Address1: "1650 Bolman Court", PostCode: "61701", City: "Bloomington", State: "Illinois", Country: "US"}},
		{AddressInput: domain.AddressInput{Name: "Home", FirstName: "John", Address1: "2 Main Street", PostCode: "61702", City: "Bloomington", State: "Illinois", Country: "US"}},
	}
	since := time.Now().UTC().Add(-365 * 24 * time.Hour).Truncate(time.Millisecond)
	ids := make([]string, n)
	for i := range n {
		at := since.Add(time.Duration(i) * time.Second)
		own := slices.Clone(addresses[:1+i%2])
		for j := range own {
			own[j].ID = domain.NewID()
		}
		ids[i] = domain.NewID()
		c := domain.RestoreCustomer(domain.CustomerSnapshot{ID: ids[i], Email: fmt.Sprintf("c%d@example.com", i),
			PasswordHash: "$2a$04$0123456789012345678901uA0123456789012345678901234567", FirstName: "John", LastName: "Doe",
			Status: "ACTIVE", Tags: []string{"VIP", "newsletter"}[:1+i%2], Addresses: own, CreatedAt: at, UpdatedAt: at})
		ev := application.NewEvent{ID: domain.NewID(), At: at, Args: application.CustomerCreated{Customer: c}}
		if _, err := s.Create(context.Background(), c, ev, application.IdempotencyKey{}); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// write is one create a writer sent.
type write struct {
	workload.Result
	id string
}

func (w write) end() time.Time { return w.Start.Add(w.Latency) }

// A backup taken with the built binary while its service creates
// customers at a steady rate holds every customer acknowledged before it
// began and none created after it ended; restored into another
// directory, a service on it answers customer.info for them as the
// original does. Every write meanwhile is answered 200: the backup
// holds no writer up. The test logs the writes' latency before, during
// and after the backup.
func TestABackupUnderWriteLoadRestoresToAServiceThatAnswersAlike(t *testing.T) {
	n := defaultCustomers
	if v := os.Getenv("BACKUP_CUSTOMERS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			t.Fatalf("BACKUP_CUSTOMERS=%q: want a number of customers", v)
		}
	}
	bin := servicetest.BuildBinary(t)
	dir := t.TempDir()
	seeded := seed(t, dir, n)
	original := servicetest.StartProcess(t, bin, servicetest.Settings(dir)...)
	api := original.Client(t)
	caller := workload.NewUncheckedCaller()

	var (
		mu     sync.Mutex
		writes []write
		wg     sync.WaitGroup
	)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	for w := range writers {
		wg.Go(func() {
			next := time.Now()
			for i := 0; ctx.Err() == nil; i++ {
				r := caller.Call(context.Background(), api, "customer.create", map[string]any{
					"email": fmt.Sprintf("w%d-%d@example.com", w, i), "password": "backup-s3cret", "firstName": "Ada", "lastName": "Lovelace"})
				c, _ := r.Customer()
				mu.Lock()
				writes = append(writes, write{Result: r, id: c.ID})
				mu.Unlock()
				next = next.Add(writeEvery)
				time.Sleep(time.Until(next))
			}
		})
	}
	time.Sleep(baseline)
	file := filepath.Join(t.TempDir(), "customers-backup.db")
	began := time.Now()
	code, stdout, stderr := command(t, bin, dir, "backup", file)
	ended := time.Now()
	time.Sleep(baseline)
	stop()
	wg.Wait()
	if code != 0 {
		t.Fatalf("backup: exit %d\n%s%s", code, stdout, stderr)
	}
	t.Logf("backup: %s", strings.TrimSpace(stdout))

	var before, during, after []time.Duration
	var acked, late []write
	for _, w := range writes {
		if !w.OK() || w.id == "" {
			t.Errorf("a create answered %s", w.Outcome())
			continue
		}
		switch {
		case w.end().Before(began):
			acked = append(acked, w)
			before = append(before, w.Latency)
		case w.Start.After(ended):
			late = append(late, w)
			after = append(after, w.Latency)
		case w.Start.After(began) && w.end().Before(ended):
			during = append(during, w.Latency)
		}
	}
	t.Logf("%d customers seeded, backup took %.2f s (the command, as timed from here)", n, ended.Sub(began).Seconds())
	for _, phase := range []struct {
		name      string
		latencies []time.Duration
	}{{"before", before}, {"during", during}, {"after", after}} {
		t.Logf("writes %s the backup: %s", phase.name, summary(phase.latencies))
	}
	m := regexp.MustCompile(`checked: (\d+) customers`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("the backup does not say how many customers it wrote: %q", stdout)
	}
	if got, _ := strconv.Atoi(m[1]); got < n+len(acked) {
		t.Errorf("the backup says %d customers, want at least the %d seeded and %d acknowledged before it", got, n, len(acked))
	}
	if info, err := os.Stat(file); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the backup file: %v (%v), want mode 0600", info, err)
	}

	restoredDir := filepath.Join(t.TempDir(), "restored")
	if code, stdout, stderr := command(t, bin, restoredDir, "restore", file); code != 0 {
		t.Fatalf("restore: exit %d\n%s%s", code, stdout, stderr)
	} else {
		t.Logf("restore: %s", strings.TrimSpace(stdout))
	}
	copyAPI := servicetest.StartProcess(t, bin, servicetest.Settings(restoredDir)...).Client(t)
	ids := []string{}
	for _, w := range acked {
		ids = append(ids, w.id)
	}
	for i := 0; i < len(seeded); i += max(1, len(seeded)/200) {
		ids = append(ids, seeded[i])
	}
	for _, id := range ids {
		want := api.Call(t, "customer.info", map[string]any{"id": id})
		got := copyAPI.Call(t, "customer.info", map[string]any{"id": id})
		if want.Status != 200 || !bytes.Equal(got.Raw, want.Raw) {
			t.Errorf("customer.info %s: the restored service answers %d %s\nthe original %d %s", id, got.Status, got.Raw, want.Status, want.Raw)
		}
	}
	for _, w := range late {
		if got := copyAPI.Call(t, "customer.info", map[string]any{"id": w.id}); got.Status != 404 {
			t.Errorf("customer %s, created after the backup ended, is in it: %d %s", w.id, got.Status, got.Raw)
		}
	}
	t.Logf("%d customers answered alike by both services (%d acknowledged before the backup); %d created after it are not in it",
		len(ids), len(acked), len(late))
}

// summary is the count, p50, p99 and maximum of latencies.
func summary(latencies []time.Duration) string {
	if len(latencies) == 0 {
		return "none"
	}
	s := slices.Sorted(slices.Values(latencies))
	at := func(p float64) time.Duration { return s[min(len(s)-1, int(p*float64(len(s))))] }
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
	return fmt.Sprintf("%d, p50 %s, p99 %s, max %s", len(s), ms(at(0.50)), ms(at(0.99)), ms(s[len(s)-1]))
}

// backup refuses a FILE that exists; restore refuses while a service,
// another process, has the store open, and replaces nothing; once the service has stopped, restore puts the
// backup in place, keeps the database it replaced, and a service started
// again serves the backup's customers.
func TestBackupRefusesAnExistingFileAndRestoreARunningService(t *testing.T) {
	bin := servicetest.BuildBinary(t)
	backedUp := t.TempDir()
	ids := seed(t, backedUp, 1)
	file := filepath.Join(t.TempDir(), "one.db")
	if code, stdout, stderr := command(t, bin, backedUp, "backup", file); code != 0 {
		t.Fatalf("backup: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, stderr := command(t, bin, backedUp, "backup", file); code != 1 || stdout != "" ||
		!strings.HasPrefix(stderr, "customer-service backup: the file exists") || !strings.Contains(stderr, file) {
		t.Fatalf("a second backup to the same file: exit %d, stdout %q, stderr %q; want a refusal naming it", code, stdout, stderr)
	}

	dir := t.TempDir()
	svc := servicetest.StartProcess(t, bin, servicetest.Settings(dir)...)
	api := svc.Client(t)
	own := api.Call(t, "customer.create", map[string]any{"email": "grace@example.com", "password": "backup-s3cret", "firstName": "Grace", "lastName": "Hopper"})
	if own.Status != 200 {
		t.Fatalf("create: %d %s", own.Status, own.Raw)
	}
	code, stdout, stderr := command(t, bin, dir, "restore", file)
	if code != 1 || stdout != "" || !strings.HasPrefix(stderr, "customer-service restore: the store is open in another process") ||
		!strings.Contains(stderr, filepath.Join(dir, sqlite.FileName)) {
		t.Fatalf("restore under a running service: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if got := api.Call(t, "customer.list", map[string]any{}); !bytes.Contains(got.Raw, []byte("grace@example.com")) {
		t.Fatalf("the service lost its customer after a refused restore: %s", got.Raw)
	}

	if err := svc.Cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code := svc.ExitCode(t, time.Minute); code != 0 {
		t.Fatalf("the service exited %d on SIGINT", code)
	}
	code, stdout, stderr = command(t, bin, dir, "restore", file)
	if code != 0 || !strings.Contains(stdout, "kept the database it replaced as "+filepath.Join(dir, sqlite.FileName+".replaced-")) {
		t.Fatalf("restore once the service stopped: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	again := servicetest.StartProcess(t, bin, servicetest.Settings(dir)...).Client(t)
	if got := again.Call(t, "customer.info", map[string]any{"id": ids[0]}); got.Status != 200 {
		t.Errorf("the backup's customer on the restored store: %d %s", got.Status, got.Raw)
	}
	if got := again.Call(t, "customer.list", map[string]any{}); bytes.Contains(got.Raw, []byte("grace@example.com")) {
		t.Errorf("the restored store still holds the replaced store's customer: %s", got.Raw)
	}
}
