//go:build linux

package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
	"github.com/microbase-io/customer-service/test/support/disktest"
	"github.com/microbase-io/customer-service/test/support/sqlitetest"
	"github.com/microbase-io/customer-service/test/support/storetest"
)

// observed opens the store in dir with a log the test reads.
func observed(t *testing.T, dir string) (*sqlite.Store, *observer.ObservedLogs) {
	t.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	opts := sqlitetest.Options(t, dir)
	opts.Log = zap.New(core)
	s, err := sqlite.Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, logs
}

// createNamed creates a customer with that email.
func createNamed(s *sqlite.Store, email string) error {
	now := time.Now().UTC().Truncate(time.Millisecond)
	c, err := domain.NewCustomer(domain.NewCustomerInput{Email: email, Password: "correct horse",
		FirstName: "Ada", LastName: "Lovelace", Tags: []string{"a", "b"}}, bcrypt.MinCost, now)
	if err != nil {
		return err
	}
	ev := application.NewEvent{ID: domain.NewID(), At: now, Args: application.CustomerCreated{Customer: c}}
	_, err = s.Create(context.Background(), c, ev, application.IdempotencyKey{})
	return err
}

// checkStored fails unless every email of acked is stored and none of
// refused.
func checkStored(t *testing.T, s *sqlite.Store, acked, refused []string) {
	t.Helper()
	for _, email := range acked {
		if _, err := s.FindByEmail(context.Background(), email); err != nil {
			t.Errorf("acknowledged %s: %v", email, err)
		}
	}
	for _, email := range refused {
		var notFound *domain.CustomerNotFoundError
		if _, err := s.FindByEmail(context.Background(), email); !errors.As(err, &notFound) {
			t.Errorf("refused %s is stored (%v)", email, err)
		}
	}
}

func messages(logs *observer.ObservedLogs, level zapcore.Level) []string {
	var out []string
	for _, e := range logs.FilterLevelExact(level).All() {
		out = append(out, e.Message)
	}
	return out
}

// The disk fills up: each write that does not fit fails as unavailable
// (503 database_unavailable), not as an internal error, and leaves
// nothing, although it is the COMMIT that fails (in WAL mode a
// transaction's pages reach the disk when it commits). The store is not
// ready from the first such failure; once there is room again, the next
// readiness check writes and finds it ready, and writes succeed, so no
// COMMIT that failed left its transaction open. After a restart the store
// holds every acknowledged write and none of the refused. (A reader
// holds a snapshot while the disk is full, so that the WAL's own blocks,
// reused once a checkpoint has copied it whole, do not make when the disk
// is full for the store a matter of when the checkpointer ran.)
func TestAFullDiskFailsWritesAsUnavailableWithNothingWritten(t *testing.T) {
	dir := disktest.Mount(t, 2<<20)
	s, logs := observed(t, dir)
	release, err := storetest.HoldSQLiteSnapshot(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	free := disktest.Fill(t, dir, 96<<10)

	var acked, refused []string
	for i := 0; len(refused) < 20 && i < 1000; i++ {
		email := fmt.Sprintf("c%d@example.com", i)
		switch err := createNamed(s, email); {
		case err == nil:
			acked = append(acked, email)
		case errors.Is(err, application.ErrUnavailable):
			refused = append(refused, email)
		default:
			t.Fatalf("create %s on a full disk: %v, want unavailable", email, err)
		}
	}
	if len(refused) == 0 {
		t.Fatalf("%d creates and none refused: the disk never filled", len(acked))
	}
	t.Logf("%d creates acknowledged, %d refused as unavailable", len(acked), len(refused))
	if err := s.Ping(context.Background()); err == nil || !strings.Contains(err.Error(), "full") {
		t.Fatalf("ready with a full disk (%v)", err)
	}
	checkStored(t, s, acked, refused)

	free()
	if err := release(); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(context.Background()); err != nil {
		t.Fatalf("not ready once the disk has room: %v", err)
	}
	for i := range 5 {
		email := fmt.Sprintf("after%d@example.com", i)
		if err := createNamed(s, email); err != nil {
			t.Fatalf("create once the disk has room: %v", err)
		}
		acked = append(acked, email)
	}
	if warned := messages(logs, zapcore.WarnLevel); len(warned) != 1 {
		t.Errorf("warnings %q, want one when writes started failing", warned)
	}
	if info := messages(logs, zapcore.InfoLevel); len(info) != 1 {
		t.Errorf("infos %q, want one when writes succeeded again", info)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	checkStored(t, openStore(t, dir), acked, refused)
}

// Files that cannot be written while the store runs (immutable: not even
// root may write them) fail writes as unavailable, with nothing written,
// and make the store not ready until they can be written again.
func TestUnwritableFilesFailWritesAsUnavailableUntilWritableAgain(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	if err := createNamed(s, "before@example.com"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, sqlite.FileName)
	writable := disktest.Immutable(t, path, path+"-wal")
	err := createNamed(s, "during@example.com")
	if !errors.Is(err, application.ErrUnavailable) {
		t.Fatalf("create into immutable files: %v, want unavailable", err)
	}
	if err := s.Ping(context.Background()); err == nil {
		t.Fatal("ready while the files cannot be written")
	}
	writable()
	if err := s.Ping(context.Background()); err != nil {
		t.Fatalf("not ready once the files can be written: %v", err)
	}
	if err := createNamed(s, "after@example.com"); err != nil {
		t.Fatal(err)
	}
	checkStored(t, s, []string{"before@example.com", "after@example.com"}, []string{"during@example.com"})
}

// A read-only file system stops the store at Open, saying so.
func TestAReadOnlyFileSystemStopsTheStoreAtOpen(t *testing.T) {
	dir := disktest.Mount(t, 1<<20)
	s := openStore(t, dir)
	if err := createNamed(s, "ada@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	disktest.Remount(t, dir, "ro")
	t.Cleanup(func() { disktest.Remount(t, dir, "rw") })
	_, err := sqlite.Open(context.Background(), sqlitetest.Options(t, dir))
	if err == nil || !strings.Contains(err.Error(), "read-only file system") {
		t.Fatalf("open on a read-only file system: %v", err)
	}
}

// A file whose page 2 (the customers table's root) was zeroed is refused
// at Open, with the reason first and the file named, rather than served
// call by failing call.
func TestADamagedFileStopsTheStoreAtOpen(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	for i := range 20 {
		if err := createNamed(s, fmt.Sprintf("c%d@example.com", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, sqlite.FileName)
	zeroPage(t, path, 2)
	_, err := sqlite.Open(context.Background(), sqlitetest.Options(t, dir))
	if err == nil || !strings.HasPrefix(err.Error(), "the database file is damaged (") || !strings.Contains(err.Error(), path) {
		t.Fatalf("open of a file with a zeroed page: %v", err)
	}
	t.Log(err)
}

// zeroPage writes zeros over page n (from 1) of the database file.
func zeroPage(t *testing.T, path string, n int64) {
	t.Helper()
	const pageSize = 4096
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(make([]byte, pageSize), (n-1)*pageSize); err != nil {
		t.Fatal(err)
	}
}

// An empty database file (0 bytes) is refused at Open rather than taken
// for a new store with no customers.
func TestAnEmptyFileStopsTheStoreAtOpen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, sqlite.FileName)
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := sqlite.Open(context.Background(), sqlitetest.Options(t, dir))
	if err == nil || !strings.HasPrefix(err.Error(), "the database file is empty (0 bytes)") || !strings.Contains(err.Error(), path) {
		t.Fatalf("open of an empty file: %v", err)
	}
	if info, err := os.Stat(path); err != nil || info.Size() != 0 {
		t.Fatalf("the refused file changed: %v, %v", info, err)
	}
}

// Stores opened at once on one new directory, as processes starting
// together, all open the one database one of them made, and a crash of
// an earlier start, which left a file of another name, changes nothing.
// No store ever leaves an empty database file, which the next start
// would refuse.
func TestStoresOpeningANewDirectoryAtOnceShareOneDatabase(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, sqlite.FileName+".new-123"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	stores := make([]*sqlite.Store, 8)
	var wg sync.WaitGroup
	for i := range stores {
		wg.Go(func() {
			s, err := sqlite.Open(context.Background(), sqlitetest.Options(t, dir))
			if err != nil {
				t.Errorf("open %d: %v", i, err)
				return
			}
			stores[i] = s
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	for i, s := range stores {
		t.Cleanup(func() { _ = s.Close() })
		if err := createNamed(s, fmt.Sprintf("c%d@example.com", i)); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range stores {
		n := 0
		err := s.List(context.Background(), application.ListQuery{Limit: 100}, func(*domain.Customer) error { n++; return nil })
		if err != nil || n != len(stores) {
			t.Fatalf("a store lists %d customers (%v), want every store's %d", n, err, len(stores))
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if name := e.Name(); name != sqlite.FileName+".new-123" && !strings.HasPrefix(name, sqlite.FileName+"-") && name != sqlite.FileName {
			t.Errorf("left %s in the data directory", name)
		}
	}
}

// A page damaged while the store serves (the file checked sound at Open)
// makes the calls that meet it fail as unavailable, not as internal
// errors.
func TestADamagedPageMetWhileServingFailsAsUnavailable(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	if err := createNamed(s, "ada@example.com"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, sqlite.FileName)
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	// Every page into the file, so that none is read from the WAL; the
	// store's checkpointer may be copying at the same moment, which makes
	// this one busy.
	for busy := 1; busy != 0; {
		var pages, copied int
		if err := other.QueryRow(`PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &pages, &copied); err != nil {
			t.Fatal(err)
		}
	}
	zeroPage(t, path, 2)
	// Another connection's write tells the store's connections that the
	// file changed, so they read it again.
	if _, err := other.Exec(`UPDATE write_probe SET at = 1`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindByEmail(context.Background(), "ada@example.com"); !errors.Is(err, application.ErrUnavailable) {
		t.Fatalf("read of a damaged page: %v, want unavailable", err)
	}
	if err := createNamed(s, "grace@example.com"); !errors.Is(err, application.ErrUnavailable) {
		t.Fatalf("write meeting a damaged page: %v, want unavailable", err)
	}
}

// The WAL is deleted while the store runs: SQLite would go on writing
// into the file it holds, which the next start does not find. The store
// notices at the next write or readiness check, refuses every write from
// then on (none is acknowledged into a WAL that is lost at restart), is
// not ready, says why once, and saves what it had acknowledged into the
// database file.
func TestADeletedWALMakesTheStoreRefuseWritesAndKeepWhatItAcknowledged(t *testing.T) {
	dir := t.TempDir()
	s, logs := observed(t, dir)
	var acked []string
	for i := range 50 {
		email := fmt.Sprintf("c%d@example.com", i)
		if err := createNamed(s, email); err != nil {
			t.Fatal(err)
		}
		acked = append(acked, email)
	}
	path := filepath.Join(dir, sqlite.FileName)
	if err := os.Remove(path + "-wal"); err != nil {
		t.Fatal(err)
	}
	var refused []string
	for i := range 10 {
		email := fmt.Sprintf("after%d@example.com", i)
		if err := createNamed(s, email); !errors.Is(err, application.ErrUnavailable) {
			t.Fatalf("create after the WAL was deleted: %v, want unavailable", err)
		}
		refused = append(refused, email)
	}
	if err := s.Ping(context.Background()); err == nil || !strings.Contains(err.Error(), "WAL file was deleted") {
		t.Fatalf("readiness after the WAL was deleted: %v", err)
	}
	errs := logs.FilterLevelExact(zapcore.ErrorLevel).All()
	if len(errs) != 1 || errs[0].ContextMap()["acknowledged_writes"] != "saved into the database file" {
		t.Fatalf("logged %v, want one error saying the acknowledged writes were saved", errs)
	}
	// What a restart after kill -9 finds: the files as they are now.
	copied := t.TempDir()
	for _, name := range []string{sqlite.FileName, sqlite.FileName + "-wal", sqlite.FileName + "-shm"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(copied, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	checkStored(t, openStore(t, copied), acked, refused)
}

// A WAL replaced by another file under the same name makes the store not
// ready and refuse writes.
func TestAReplacedWALMakesTheStoreRefuseWrites(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	if err := createNamed(s, "ada@example.com"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, sqlite.FileName)
	if err := os.Link(path+"-wal", path+"-wal.kept"); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path + "-wal"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+"-wal", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(context.Background()); err == nil || !strings.Contains(err.Error(), "names another file") {
		t.Fatalf("readiness after the WAL was replaced: %v", err)
	}
	if err := createNamed(s, "grace@example.com"); !errors.Is(err, application.ErrUnavailable) {
		t.Fatalf("create after the WAL was replaced: %v, want unavailable", err)
	}
}
