//go:build linux

package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// addBulky creates n customers named prefix0@example.com... with 50
// addresses each (about 10 KB), so that a few hundred take the backup
// several steps.
func addBulky(t *testing.T, s *sqlite.Store, prefix string, n int) {
	t.Helper()
	at := time.Now().UTC().Truncate(time.Millisecond)
	for i := range n {
		addresses := make([]domain.Address, 50)
		for j := range addresses {
			addresses[j] = domain.Address{ID: domain.NewID(), AddressInput: domain.AddressInput{Name: fmt.Sprintf("Address %d", j), FirstName: "Ada",
				Address1: strings.Repeat("Long Street ", 8), PostCode: "61701", City: "Bloomington", State: "Illinois", Country: "US"}}
		}
		c := domain.RestoreCustomer(domain.CustomerSnapshot{ID: domain.NewID(), Email: fmt.Sprintf("%s%d@example.com", prefix, i),
			PasswordHash: "$2a$04$0123456789012345678901uA0123456789012345678901234567", FirstName: "Ada", LastName: "Lovelace",
			Status: "ACTIVE", Tags: []string{"VIP"}, Addresses: addresses, CreatedAt: at, UpdatedAt: at})
		ev := application.NewEvent{ID: domain.NewID(), At: at, Args: application.CustomerCreated{Customer: c}}
		if _, err := s.Create(context.Background(), c, ev, application.IdempotencyKey{}); err != nil {
			t.Fatal(err)
		}
	}
}

// entries lists the names in dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	list, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range list {
		names = append(names, e.Name())
	}
	return names
}

// backup copies the store in dir to file.
func backup(t *testing.T, dir, file string) sqlite.BackupResult {
	t.Helper()
	r, err := sqlite.Backup(context.Background(), sqlite.BackupOptions{DataDir: dir}, file)
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	return r
}

// restored opens, in a new directory, the store that the backup file
// restores.
func restored(t *testing.T, file string) *sqlite.Store {
	t.Helper()
	dir := t.TempDir()
	if _, err := sqlite.Restore(context.Background(), sqlite.RestoreOptions{DataDir: dir}, file); err != nil {
		t.Fatalf("restore: %v", err)
	}
	return openStore(t, dir)
}

// A backup taken while writers create customers holds every customer
// acknowledged before it began, in a file that passes integrity_check
// (Backup checks it; the store that opens it runs quick_check), private
// to its user; the writers go on meanwhile, and it says what it copied.
func TestABackupTakenDuringWritesHoldsEveryWriteAcknowledgedBeforeItBegan(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	addBulky(t, s, "seed", 600)

	var (
		mu      sync.Mutex
		acked   []string
		stop    atomic.Bool
		writers sync.WaitGroup
	)
	for w := range 4 {
		writers.Go(func() {
			for i := 0; !stop.Load(); i++ {
				email := fmt.Sprintf("w%d-%d@example.com", w, i)
				if err := createNamed(s, email); err != nil {
					t.Errorf("create during the backup: %v", err)
					return
				}
				mu.Lock()
				acked = append(acked, email)
				mu.Unlock()
			}
		})
	}
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 20 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	mu.Lock()
	before := slices.Clone(acked)
	mu.Unlock()

	file := filepath.Join(t.TempDir(), "copy.db")
	var steps []int64
	var checked bool
	r, err := sqlite.Backup(context.Background(), sqlite.BackupOptions{DataDir: dir,
		Progress: func(copied, total int64) { steps = append(steps, copied, total) },
		Checking: func() { checked = true }}, file)
	mu.Lock()
	during := len(acked) - len(before)
	mu.Unlock()
	stop.Store(true)
	writers.Wait()
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	t.Logf("%d customers, %d events waiting, %d bytes in %s; %d progress reports; %d creates acknowledged during the backup",
		r.Customers, r.Events, r.Bytes, r.Took, len(steps)/2, during)
	if len(steps) < 4 || steps[len(steps)-2] != steps[len(steps)-1] || !checked {
		t.Errorf("progress %v, checked %t: want several steps, the last of them all the pages, then the check", steps, checked)
	}
	info, err := os.Stat(file)
	if err != nil || info.Mode().Perm() != 0o600 || info.Size() != r.Bytes {
		t.Fatalf("the backup file: %v (%v), want mode 0600 and %d bytes", info, err, r.Bytes)
	}
	if names := entries(t, filepath.Dir(file)); !slices.Equal(names, []string{"copy.db"}) {
		t.Errorf("beside the backup: %v, want the file alone", names)
	}
	if r.Customers < int64(600+len(before)) || r.Events != r.Customers {
		t.Errorf("the backup says %d customers, %d events; want at least the %d acknowledged, one event each", r.Customers, r.Events, 600+len(before))
	}

	copied := restored(t, file)
	checkStored(t, copied, before, nil)
	for _, email := range []string{"seed0@example.com", "seed599@example.com"} {
		c, err := copied.FindByEmail(context.Background(), email)
		if err != nil || len(c.Addresses()) != 50 {
			t.Fatalf("%s in the backup: %v", email, err)
		}
	}
	n := 0
	if err := copied.List(context.Background(), application.ListQuery{Limit: 100_000}, func(*domain.Customer) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if int64(n) != r.Customers {
		t.Errorf("the restored store lists %d customers, the backup said %d", n, r.Customers)
	}
}

// A backup overwrites nothing: an existing file is refused, left as it
// was, with nothing written beside it; and a backup that fails (its
// context ends mid-copy, or the store's file is damaged) leaves no file
// behind.
func TestABackupRefusesAnExistingFileAndLeavesNothingWhenItFails(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	addBulky(t, s, "c", 300)

	t.Run("an existing file", func(t *testing.T) {
		out := t.TempDir()
		file := filepath.Join(out, "copy.db")
		if err := os.WriteFile(file, []byte("keep me"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := sqlite.Backup(context.Background(), sqlite.BackupOptions{DataDir: dir}, file)
		if err == nil || !strings.HasPrefix(err.Error(), "the file exists") || !strings.Contains(err.Error(), file) {
			t.Fatalf("backup over an existing file: %v, want a refusal that names it", err)
		}
		if b, _ := os.ReadFile(file); string(b) != "keep me" {
			t.Errorf("the existing file now holds %q", b)
		}
		if names := entries(t, out); !slices.Equal(names, []string{"copy.db"}) {
			t.Errorf("beside it: %v", names)
		}
	})
	t.Run("ended mid-copy", func(t *testing.T) {
		out := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		_, err := sqlite.Backup(ctx, sqlite.BackupOptions{DataDir: dir, Progress: func(int64, int64) { cancel() }}, filepath.Join(out, "copy.db"))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("backup whose context ended: %v", err)
		}
		if names := entries(t, out); len(names) != 0 {
			t.Errorf("left %v", names)
		}
	})
	t.Run("a damaged store", func(t *testing.T) {
		damaged := t.TempDir()
		d := openStore(t, damaged)
		addBulky(t, d, "d", 100)
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
		zeroPage(t, filepath.Join(damaged, sqlite.FileName), 3)
		out := t.TempDir()
		file := filepath.Join(out, "copy.db")
		_, err := sqlite.Backup(context.Background(), sqlite.BackupOptions{DataDir: damaged}, file)
		if err == nil || !strings.HasPrefix(err.Error(), "the copy of the store is damaged (") || !strings.Contains(err.Error(), file) {
			t.Fatalf("backup of a damaged store: %v, want the check's finding and the file named", err)
		}
		if names := entries(t, out); len(names) != 0 {
			t.Errorf("left %v", names)
		}
	})
	t.Run("no store", func(t *testing.T) {
		none := t.TempDir()
		_, err := sqlite.Backup(context.Background(), sqlite.BackupOptions{DataDir: none}, filepath.Join(t.TempDir(), "copy.db"))
		if err == nil || !strings.HasPrefix(err.Error(), "there is no store to back up") {
			t.Fatalf("backup of an empty directory: %v", err)
		}
		if names := entries(t, none); len(names) != 0 {
			t.Errorf("the backup made %v in the data directory", names)
		}
	})
}
