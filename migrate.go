package main

import (
	"context"
	"errors"
	"flag"
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

// migrateFlags is the flag set of the migrate command.
func migrateFlags(from, to *string) *flag.FlagSet {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(from, "from", "", "the store to copy: sqlite:DIR, sqlite:FILE.db (a backup) or a mongodb:// URI")
	fs.StringVar(to, "to", "", "the store to copy into: sqlite:DIR or a mongodb:// URI")
	return fs
}

// migrate copies the store -from names into the one -to names, then
// compares them: exit 0 when they hold the same, 1 when they differ (the
// differences listed) or the migration stopped, 2 for a command line or a
// configuration it cannot read. SIGINT and SIGTERM stop it between two
// writes; run again, it goes on from there.
func migrate(args []string, stdout, stderr io.Writer) int {
	var from, to string
	fs := migrateFlags(&from, &to)
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		usage(stdout)
		return 0
	} else if err != nil {
		return usageError(stderr, "migrate: "+err.Error())
	}
	switch {
	case fs.NArg() > 0:
		return usageError(stderr, fmt.Sprintf("migrate takes no argument, got %q", fs.Arg(0)))
	case from == "" || to == "":
		return usageError(stderr, "migrate needs -from and -to")
	}
	cfg, err := bootstrap.LoadConfig(os.Environ())
	if err != nil {
		fmt.Fprintln(stderr, "customer-service:", err)
		return 2
	}
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
