package migration_test

import (
	"bytes"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/microbase-io/customer-service/adapters/mongodb"
	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/test/support/servicetest"
	"github.com/microbase-io/customer-service/test/support/sqlitetest"
)

// `customer-service migrate` killed (SIGKILL: no chance to finish a
// write) once the target holds part of the customers, and run again,
// ends with the target equal to the source.
func TestTheMigrateCommandKilledPartWayAndRunAgainEndsEqual(t *testing.T) {
	bin := servicetest.BuildBinary(t)
	tests := []struct {
		name      string
		customers int
		target    func(t *testing.T) (to string, count func() int64)
	}{
		{"SQLiteToSQLite", 20000, func(t *testing.T) (string, func() int64) {
			dir := t.TempDir()
			store, err := sqlite.Open(ctx(t), sqlitetest.Options(t, dir))
			if err != nil {
				t.Fatal(err)
			}
			_ = store.Close()
			src, err := sqlite.OpenSource(ctx(t), dir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = src.Close() })
			return "sqlite:" + dir, func() int64 {
				n, err := src.CountStored(ctx(t))
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
		}},
		{"SQLiteToMongoDB", 3000, func(t *testing.T) (string, func() int64) {
			_, uri := mongoDBEnd.open(t)
			name := uri[strings.LastIndex(uri, "/")+1:]
			coll := mongoClient.Database(name).Collection(mongodb.CollectionName)
			return uri, func() int64 {
				n, err := coll.CountDocuments(ctx(t), bson.D{})
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, _ := sqliteEnd.open(t)
			seedGenerated(t, src, tt.customers)
			from := "sqlite:" + src.(*sqlite.Store).Path()
			to, count := tt.target(t)

			cmd := migrateCommand(bin, from, to)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			part := int64(tt.customers / 10)
			for count() < part {
				select {
				case err := <-exited:
					t.Fatalf("the migration ended (%v) before the target held %d customers:\n%s", err, part, out.String())
				case <-time.After(5 * time.Millisecond):
				}
			}
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			var exit *exec.ExitError
			if err := <-exited; !errors.As(err, &exit) || exit.Success() {
				t.Fatalf("the killed migration exited with %v", err)
			}
			if n := count(); n >= int64(tt.customers) {
				t.Fatalf("the target holds all %d customers: the kill came after the copy", n)
			}

			again := migrateCommand(bin, from, to)
			output, err := again.CombinedOutput()
			if err != nil || !strings.Contains(string(output), ": 0 differences") {
				t.Fatalf("the second run: %v\n%s", err, output)
			}
		})
	}
}

func migrateCommand(bin, from, to string) *exec.Cmd {
	cmd := servicetest.Command(bin)
	cmd.Args = append(cmd.Args, "migrate", "-from", from, "-to", to)
	return cmd
}
