package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/microbase-io/customer-service/adapters/progress"
	"github.com/microbase-io/customer-service/bootstrap"
)

// progressEvery spaces the progress lines written where no terminal shows
// a bar.
const progressEvery = 5 * time.Second

// migrate copies the store -from names into the one -to names, then
// compares them: exit 0 when they hold the same, 1 when they differ (the
// differences listed) or the migration stopped; run has answered 2 for a
// command line or a configuration it cannot read. SIGINT and SIGTERM stop
// it between two writes; run again, it goes on from there.
func migrate(cfg bootstrap.Config, from, to string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	shown := progress.New(stderr, isTerminal(stderr), progressEvery, progress.Customers)
	report, err := bootstrap.Migrate(ctx, cfg, from, to, shown)
	shown.Done()
	if report.Customers > 0 || err == nil {
		progress.WriteReport(stdout, report)
	}
	switch {
	case err != nil && ctx.Err() != nil:
		fmt.Fprintln(stderr, "customer-service migrate: stopped; run it again to go on")
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "customer-service migrate:", err)
		return 1
	case report.Differences.Count > 0:
		fmt.Fprintln(stderr, "customer-service migrate: the target differs from the source")
		return 1
	}
	return 0
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
