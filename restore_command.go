package main

import (
	"context"
	"fmt"
	"io"

	"github.com/microbase-io/customer-service/adapters/sqlite"
)

// restore puts the backup in place and says what it did on stdout.
func restore(ctx context.Context, dataDir, file string, stdout, stderr io.Writer) int {
	r, err := sqlite.Restore(ctx, sqlite.RestoreOptions{DataDir: dataDir,
		Checking: func() { fmt.Fprintln(stderr, "customer-service restore: checking the backup (PRAGMA integrity_check)") }}, file)
	if err != nil {
		fmt.Fprintln(stderr, "customer-service restore:", err)
		return 1
	}
	version := fmt.Sprintf("schema version %d", r.Version)
	if r.Version < r.Current {
		version += fmt.Sprintf(", which the service brings to %d when it starts", r.Current)
	}
	fmt.Fprintf(stdout, "customer-service restore: put %s in place as %s, checked: %d customers, %d events waiting for the broker, %s\n",
		file, r.Store, r.Customers, r.Events, version)
	switch {
	case r.ReplacedWAL != "":
		fmt.Fprintf(stdout, "customer-service restore: kept the database it replaced as %s, with its WAL as %s (keep the two together)\n",
			r.Replaced, r.ReplacedWAL)
	case r.Replaced != "":
		fmt.Fprintf(stdout, "customer-service restore: kept the database it replaced as %s\n", r.Replaced)
	}
	return 0
}
