package bootstrap

import (
	"context"
	"fmt"
	"io"

	"go.uber.org/dig"
	"go.uber.org/fx"
)

// Run starts the service, waits for SIGINT or SIGTERM, and stops it:
// the listener closes at once, requests in flight get up to
// shutdown_timeout to finish, then the database connections close. It
// returns the process exit code, and says on stderr why it failed, if it
// did: a failure to start as its cause alone (see startFailure).
func Run(cfg Config, stderr io.Writer) int {
	app := fx.New(Options(cfg))
	if err := app.Err(); err != nil {
		fmt.Fprintln(stderr, "customer-service:", startFailure(err))
		return 1
	}
	startCtx, cancel := context.WithTimeout(context.Background(), app.StartTimeout())
	defer cancel()
	if err := app.Start(startCtx); err != nil {
		fmt.Fprintln(stderr, "customer-service:", startFailure(err))
		return 1
	}
	signal := <-app.Wait()
	stopCtx, cancel := context.WithTimeout(context.Background(), app.StopTimeout())
	defer cancel()
	if err := app.Stop(stopCtx); err != nil {
		fmt.Fprintln(stderr, "customer-service: stop:", err)
		return 1
	}
	return signal.ExitCode
}

// startFailure is what keeps the service from starting, as the piece that
// failed said it: fx and dig wrap it in every constructor that led there,
// with Go function names and source lines, which say nothing to the
// person running the service.
func startFailure(err error) error {
	return dig.RootCause(err)
}
