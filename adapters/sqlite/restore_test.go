//go:build linux

package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/test/support/sqlitetest"
)

// sqlFile makes an SQLite database at path with the statements run in it.
func sqlFile(t *testing.T, path string, statements ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, st := range statements {
		if _, err := db.Exec(st); err != nil {
			t.Fatalf("%s: %v", st, err)
		}
	}
}

// aBackup is a backup of a store of one customer, ada@example.com.
func aBackup(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	s := openStore(t, dir)
	if err := createNamed(s, "ada@example.com"); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "ada.db")
	backup(t, dir, file)
	return file
}

// A restore refuses every file it should not put in place, says why
// first and names the file, and replaces nothing: the store in place
// still serves its customer, and no file is left beside it.
func TestRestoreRefusesAFileThatIsNoSoundStoreOfAKnownSchema(t *testing.T) {
	tests := []struct {
		name string
		make func(t *testing.T, file string)
		want string // the start of the error
	}{
		{"a damaged file", func(t *testing.T, file string) {
			zeroPage(t, file, 2)
		}, "the backup file is damaged ("},
		{"a file of a newer schema version", func(t *testing.T, file string) {
			sqlFile(t, file, fmt.Sprintf("PRAGMA user_version = %d", len(sqlite.Migrations)+1))
		}, fmt.Sprintf("the backup file is of schema version %d, newer than this binary knows (%d)", len(sqlite.Migrations)+1, len(sqlite.Migrations))},
		{"a file that is no SQLite database", func(t *testing.T, file string) {
			if err := os.WriteFile(file, bytes.Repeat([]byte("not a database "), 500), 0o600); err != nil {
				t.Fatal(err)
			}
		}, "the backup file is not an SQLite database, so no customer store"},
		{"another program's database", func(t *testing.T, file string) {
			if err := os.Remove(file); err != nil {
				t.Fatal(err)
			}
			sqlFile(t, file, "CREATE TABLE notes (body TEXT)", "INSERT INTO notes VALUES ('hello')")
		}, "the backup file is not a customer store (an SQLite database of no schema version)"},
		{"another program's database with a schema version", func(t *testing.T, file string) {
			if err := os.Remove(file); err != nil {
				t.Fatal(err)
			}
			sqlFile(t, file, "CREATE TABLE notes (body TEXT)", "PRAGMA user_version = 1")
		}, "the backup file is not a customer store (it has no index customers_by_creation)"},
		{"a store that lost a table", func(t *testing.T, file string) {
			sqlFile(t, file, "DROP TABLE customer_tags", "PRAGMA journal_mode = DELETE")
		}, "the backup file is not a customer store (it has no table customer_tags)"},
		{"an empty file", func(t *testing.T, file string) {
			if err := os.Truncate(file, 0); err != nil {
				t.Fatal(err)
			}
		}, "the backup file is empty (0 bytes)"},
		{"a file with a WAL beside it", func(t *testing.T, file string) {
			if err := os.WriteFile(file+"-wal", []byte("frames"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, "the backup file has ada.db-wal beside it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := aBackup(t)
			tt.make(t, file)
			dir := t.TempDir()
			s := openStore(t, dir)
			if err := createNamed(s, "grace@example.com"); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			before := entries(t, dir)

			_, err := sqlite.Restore(context.Background(), sqlite.RestoreOptions{DataDir: dir}, file)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) || !strings.Contains(err.Error(), file) ||
				!strings.HasSuffix(err.Error(), "nothing was replaced)") && !strings.HasSuffix(err.Error(), "nothing was replaced") {
				t.Fatalf("restore: %v\nwant an error starting %q that names %s and says nothing was replaced", err, tt.want, file)
			}
			if after := entries(t, dir); !slices.Equal(after, before) {
				t.Errorf("the data directory held %v before, %v after", before, after)
			}
			s = openStore(t, dir)
			checkStored(t, s, []string{"grace@example.com"}, []string{"ada@example.com"})
		})
	}
}

// While a store has the database open, in this process or another,
// restore refuses without waiting and replaces nothing; once it is
// closed, restore puts the backup in place.
func TestRestoreRefusesAStoreThatIsOpen(t *testing.T) {
	file := aBackup(t)
	dir := t.TempDir()
	s := openStore(t, dir)
	if err := createNamed(s, "grace@example.com"); err != nil {
		t.Fatal(err)
	}
	_, err := sqlite.Restore(context.Background(), sqlite.RestoreOptions{DataDir: dir}, file)
	path := filepath.Join(dir, sqlite.FileName)
	if err == nil || !strings.HasPrefix(err.Error(), "the store is open in another process") || !strings.Contains(err.Error(), path) {
		t.Fatalf("restore under an open store: %v", err)
	}
	checkStored(t, s, []string{"grace@example.com"}, []string{"ada@example.com"})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlite.Restore(context.Background(), sqlite.RestoreOptions{DataDir: dir}, file); err != nil {
		t.Fatalf("restore once the store is closed: %v", err)
	}
	checkStored(t, openStore(t, dir), []string{"ada@example.com"}, []string{"grace@example.com"})
}

// A store waits to open while a restore holds the lock (here, as another
// process would, on the lock file), up to its context, and says so.
func TestAStoreDoesNotOpenWhileARestoreRuns(t *testing.T) {
	dir := t.TempDir()
	openStore(t, dir).Close()
	lock, err := os.OpenFile(filepath.Join(dir, sqlite.FileName+"-lock"), os.O_RDWR, 0)
	if err != nil {
		t.Fatalf("the lock file: %v", err)
	}
	defer lock.Close()
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		t.Fatalf("no store is open, yet the lock is held: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200e6)
	defer cancel()
	_, err = sqlite.Open(ctx, sqlitetest.Options(t, dir))
	if err == nil || !strings.HasPrefix(err.Error(), "a restore is putting another database in place") {
		t.Fatalf("open during a restore: %v", err)
	}
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_UN); err != nil {
		t.Fatal(err)
	}
	openStore(t, dir)
}

// The database a restore replaces is kept beside it, whole, and left
// unopened: its WAL, which holds what a process killed before its
// checkpoint acknowledged, goes along with it under its new name, so the
// restored database finds no WAL of another's; a damaged database is
// kept byte for byte.
func TestRestoreKeepsTheDatabaseItReplaces(t *testing.T) {
	file := aBackup(t)

	t.Run("its WAL along with it", func(t *testing.T) {
		live := t.TempDir()
		s := openStore(t, live)
		if err := createNamed(s, "grace@example.com"); err != nil {
			t.Fatal(err)
		}
		// The files as SIGKILL leaves them: grace is in the WAL alone.
		dir := t.TempDir()
		for _, name := range []string{sqlite.FileName, sqlite.FileName + "-wal"} {
			b, err := os.ReadFile(filepath.Join(live, name))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		r, err := sqlite.Restore(context.Background(), sqlite.RestoreOptions{DataDir: dir}, file)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Dir(r.Replaced) != dir || !strings.HasPrefix(filepath.Base(r.Replaced), sqlite.FileName+".replaced-") ||
			r.ReplacedWAL != r.Replaced+"-wal" || r.Customers != 1 {
			t.Fatalf("restore says %+v", r)
		}
		want := []string{sqlite.FileName, sqlite.FileName + "-lock", filepath.Base(r.Replaced), filepath.Base(r.ReplacedWAL)}
		if names := entries(t, dir); !slices.Equal(names, want) {
			t.Errorf("the data directory holds %v, want %v", names, want)
		}
		for _, name := range entries(t, dir) {
			if info, err := os.Stat(filepath.Join(dir, name)); err != nil || info.Mode().Perm() != 0o600 {
				t.Errorf("%s: %v (%v), want mode 0600", name, info.Mode(), err)
			}
		}
		checkStored(t, openStore(t, dir), []string{"ada@example.com"}, []string{"grace@example.com"})
		// The kept database, with its WAL, holds what the replaced store had.
		kept := t.TempDir()
		for from, to := range map[string]string{r.Replaced: sqlite.FileName, r.ReplacedWAL: sqlite.FileName + "-wal"} {
			if err := os.Rename(from, filepath.Join(kept, to)); err != nil {
				t.Fatal(err)
			}
		}
		checkStored(t, openStore(t, kept), []string{"grace@example.com"}, []string{"ada@example.com"})
	})
	t.Run("a damaged database as it was", func(t *testing.T) {
		dir := t.TempDir()
		garbage := bytes.Repeat([]byte("damaged "), 1000)
		for _, name := range []string{sqlite.FileName, sqlite.FileName + "-wal"} {
			if err := os.WriteFile(filepath.Join(dir, name), garbage, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		r, err := sqlite.Restore(context.Background(), sqlite.RestoreOptions{DataDir: dir}, file)
		if err != nil {
			t.Fatal(err)
		}
		if r.ReplacedWAL != r.Replaced+"-wal" {
			t.Fatalf("restore says %+v, want the WAL kept beside the replaced database", r)
		}
		for _, kept := range []string{r.Replaced, r.ReplacedWAL} {
			if b, err := os.ReadFile(kept); err != nil || !bytes.Equal(b, garbage) {
				t.Errorf("%s does not hold what was replaced (%v)", kept, err)
			}
		}
		checkStored(t, openStore(t, dir), []string{"ada@example.com"}, nil)
	})
	t.Run("a store closed cleanly, alone", func(t *testing.T) {
		dir := t.TempDir()
		s := openStore(t, dir)
		if err := createNamed(s, "grace@example.com"); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		r, err := sqlite.Restore(context.Background(), sqlite.RestoreOptions{DataDir: dir}, file)
		if err != nil || r.Replaced == "" || r.ReplacedWAL != "" {
			t.Fatalf("restore says %+v (%v), want the replaced database kept, with no WAL", r, err)
		}
		kept := t.TempDir()
		if err := os.Rename(r.Replaced, filepath.Join(kept, sqlite.FileName)); err != nil {
			t.Fatal(err)
		}
		checkStored(t, openStore(t, kept), []string{"grace@example.com"}, []string{"ada@example.com"})
	})
}

// A backup of an earlier schema version is put in place as it is, and
// the store brings it up to date when it opens.
func TestRestoreTakesAnEarlierSchemaVersion(t *testing.T) {
	file := filepath.Join(t.TempDir(), "old.db")
	sqlFile(t, file, sqlite.Migrations[0], "PRAGMA user_version = 1",
		`INSERT INTO customers (id, email, password, first_name, last_name, status, tags, addresses, version, created_at, updated_at)
		 VALUES ('c1', 'old@example.com', 'x', 'Old', 'Timer', 'ACTIVE', '[]', '[]', 0, 0, 0)`)
	dir := t.TempDir()
	r, err := sqlite.Restore(context.Background(), sqlite.RestoreOptions{DataDir: dir}, file)
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != 1 || r.Current != len(sqlite.Migrations) || r.Customers != 1 || r.Replaced != "" {
		t.Fatalf("restore says %+v", r)
	}
	checkStored(t, openStore(t, dir), []string{"old@example.com"}, nil)
}
