package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/microbase-io/customer-service/adapters/progress"
	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/bootstrap"
)

// storeCommand runs backup FILE or restore FILE on the embedded store of
// CUSTOMER_DATA_DIR: 0 once done, 1 when it refuses or fails, having
// written nothing, and 2 when CUSTOMER_MONGODB_URI is set. SIGINT and
// SIGTERM end it early, with nothing left behind.
func storeCommand(cfg bootstrap.Config, command, file string, stdout, stderr io.Writer) int {
	if !cfg.Embedded() {
		fmt.Fprintf(stderr, "customer-service %s: CUSTOMER_MONGODB_URI is set, and %s is for the embedded store (CUSTOMER_DATA_DIR); "+
			"MongoDB has its own tools (mongodump, mongorestore)\n", command, command)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if command == "backup" {
		return backup(ctx, cfg.DataDir, file, stdout, stderr)
	}
	return restore(ctx, cfg.DataDir, file, stdout, stderr)
}

// backup writes the copy, showing its progress on stderr, and says what
// it wrote on stdout.
func backup(ctx context.Context, dataDir, file string, stdout, stderr io.Writer) int {
	shown := progress.New(stderr, isTerminal(stderr), progressEvery, progress.Bytes)
	var copied int64
	started := false
	copying := func(done, total int64) {
		if !started {
			started = true
			shown.Phase("backup: copying", total)
		}
		shown.Advanced(done - copied)
		copied = done
	}
	r, err := sqlite.Backup(ctx, sqlite.BackupOptions{DataDir: dataDir, Progress: copying, Checking: func() {
		shown.Done()
		fmt.Fprintln(stderr, "customer-service backup: checking the copy (PRAGMA integrity_check)")
	}}, file)
	if err != nil {
		fmt.Fprintln(stderr, "customer-service backup:", err)
		return 1
	}
	fmt.Fprintf(stdout, "customer-service backup: wrote %s, checked: %d customers, %d events waiting for the broker, %d bytes (%.1f MiB), %.1f s\n",
		r.File, r.Customers, r.Events, r.Bytes, float64(r.Bytes)/(1<<20), r.Took.Seconds())
	return 0
}
