package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/test/contract"
	"github.com/microbase-io/customer-service/test/support/sqlitetest"
)

func openStore(t testing.TB, dir string) *sqlite.Store {
	t.Helper()
	return openWith(t, sqlitetest.Options(t, dir))
}

func openWith(t testing.TB, opts sqlite.Options) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestStoreKeepsTheRepositoryContract(t *testing.T) {
	contract.RunCustomerRepository(t, func(t *testing.T) contract.Store {
		return openStore(t, t.TempDir())
	})
	contract.RunOutboxLimits(t, func(t *testing.T, limits application.OutboxLimits) contract.Store {
		opts := sqlitetest.Options(t, t.TempDir())
		opts.Outbox = limits
		return openWith(t, opts)
	})
	contract.RunPasswords(t, func(t *testing.T) contract.Store {
		return openStore(t, t.TempDir())
	}, func(t *testing.T) (contract.Store, contract.Store) {
		dir := t.TempDir()
		return openStore(t, dir), openStore(t, dir)
	})
	contract.RunIdempotencyLimits(t, func(t *testing.T, limits application.IdempotencyLimits) contract.Store {
		opts := sqlitetest.Options(t, t.TempDir())
		opts.Idempotency = limits
		return openWith(t, opts)
	})
}

// The store's files hold password hashes: whatever existed before, the
// data directory is made 0700 and the database and its WAL and
// shared-memory files 0600.
func TestTheStoresFilesArePrivateToItsUser(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s := openStore(t, dir)
	c := newCustomer(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Files as another program, or an older version, may have left them.
	for _, name := range []string{sqlite.FileName, sqlite.FileName + "-wal", sqlite.FileName + "-shm"} {
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		if err := os.Chmod(filepath.Join(dir, name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, dir)
	if _, err := s.Get(context.Background(), c.ID()); err != nil {
		t.Fatalf("reopened store: %v", err)
	}
	if info, err := os.Stat(dir); err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("data directory mode %v (%v), want 0700", info.Mode().Perm(), err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", e.Name(), info.Mode().Perm())
		}
	}
}

// The store takes its limits from the configuration; limits it would have
// to guess (left at zero) are refused, not replaced by a default, and no
// file is made.
func TestOpenRefusesLimitsItWouldHaveToGuess(t *testing.T) {
	for name, spoil := range map[string]func(*sqlite.Options){
		"no outbox cap":        func(o *sqlite.Options) { o.Outbox = application.OutboxLimits{} },
		"no idempotency bound": func(o *sqlite.Options) { o.Idempotency = application.IdempotencyLimits{} },
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			opts := sqlitetest.Options(t, dir)
			spoil(&opts)
			if s, err := sqlite.Open(context.Background(), opts); err == nil {
				_ = s.Close()
				t.Fatal("opened")
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("the data directory was made: %v", err)
			}
		})
	}
}
