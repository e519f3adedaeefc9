package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
	"github.com/microbase-io/customer-service/test/support/sqlitetest"
)

// storeWith makes an embedded store in a new data directory holding a
// customer for each email.
func storeWith(t *testing.T, emails ...string) string {
	t.Helper()
	dir := t.TempDir()
	store, err := sqlite.Open(context.Background(), sqlitetest.Options(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	app, err := application.New(store, application.SystemClock{}, application.Settings{BcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	for _, email := range emails {
		if _, err := app.CreateCustomer.Handle(context.Background(), application.CreateCustomerCommand{Customer: domain.NewCustomerInput{
			Email: email, Password: "s3cret-pass", FirstName: "Ada", LastName: "Lovelace"}}); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestMigrate_CopiesAStoreThenOnlyWhatChangedAndSaysSo(t *testing.T) {
	src, dst := storeWith(t, "a@example.com", "b@example.com", "c@example.com"), filepath.Join(t.TempDir(), "new")
	code, stdout, stderr := runCommand(t, nil, "migrate", "-from", "sqlite:"+src, "-to", "sqlite:"+dst)
	if code != 0 || !strings.Contains(stdout, "copied 3, unchanged 0, removed 0, left alone 0 of 3 customers") ||
		!strings.Contains(stdout, ": 0 differences") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "copy: about 3 customers") || !strings.Contains(stderr, "verify: about 3 customers") {
		t.Errorf("stderr %q does not tell the passes", stderr)
	}
	code, stdout, _ = runCommand(t, nil, "migrate", "-from", "sqlite:"+src, "-to", "sqlite:"+dst)
	if code != 0 || !strings.Contains(stdout, "copied 0, unchanged 3, removed 0, left alone 0 of 3 customers") {
		t.Fatalf("the rerun: exit %d, stdout %s", code, stdout)
	}
}

// A backup file is read as a source, as the store's directory is.
func TestMigrate_ReadsABackupFileAsItsSource(t *testing.T) {
	src, dst := storeWith(t, "a@example.com"), t.TempDir()
	code, stdout, stderr := runCommand(t, nil, "migrate", "-from", "sqlite:"+filepath.Join(src, sqlite.FileName), "-to", "sqlite:"+dst)
	if code != 0 || !strings.Contains(stdout, "copied 1,") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
}

// A target that holds a customer the source lacks keeps it, the run
// lists it, and exits 1: the stores differ.
func TestMigrate_ExitsOneListingWhatDiffers(t *testing.T) {
	src, dst := storeWith(t, "a@example.com"), storeWith(t, "own@example.com")
	code, stdout, stderr := runCommand(t, nil, "migrate", "-from", "sqlite:"+src, "-to", "sqlite:"+dst)
	if code != 1 || !strings.Contains(stdout, "left alone on the target (1):") || !strings.Contains(stdout, ": not in the source") ||
		!strings.Contains(stdout, "differences (1):") || !strings.Contains(stderr, "the target differs from the source") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
}

func TestMigrate_RefusesWhatIsNoPairOfStores(t *testing.T) {
	src := storeWith(t, "a@example.com")
	backup := filepath.Join(src, sqlite.FileName)
	for _, tt := range []struct {
		name, from, to, want string
	}{
		{"a file as the target", "sqlite:" + src, "sqlite:" + filepath.Join(t.TempDir(), "copy.db"), "a database file is a source only"},
		{"a source with no store", "sqlite:" + t.TempDir(), "sqlite:" + t.TempDir(), "no database file"},
		{"the same store", "sqlite:" + src, "sqlite:" + src, "the same store"},
		{"the same store, named by its file", "sqlite:" + backup, "sqlite:" + src, "the same store"},
		{"no store's name", "postgres://db/customers", "sqlite:" + t.TempDir(), "not a store"},
		{"a MongoDB URI without a host", "mongodb:///customer", "sqlite:" + t.TempDir(), "names no host"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCommand(t, nil, "migrate", "-from", tt.from, "-to", tt.to)
			if code != 1 || stdout != "" || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 1 and %q", code, stdout, stderr, tt.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(src, sqlite.FileName+"-wal")); err == nil {
		t.Error("a refused migration opened the source")
	}
}

func TestMigrate_UsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{{"migrate"}, {"migrate", "-from", "sqlite:a"}, {"migrate", "-to", "sqlite:b"},
		{"migrate", "-from", "sqlite:a", "-to", "sqlite:b", "extra"}, {"migrate", "-x"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, stdout, stderr := runCommand(t, nil, args...)
			if code != 2 || stdout != "" || !strings.Contains(stderr, "Usage:") {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 2 and the usage", code, stdout, stderr)
			}
		})
	}
	code, stdout, _ := runCommand(t, nil, "migrate", "-h")
	if code != 0 || !strings.Contains(stdout, "customer-service migrate -from SRC -to DST") {
		t.Errorf("migrate -h: exit %d, stdout %q", code, stdout)
	}
}
