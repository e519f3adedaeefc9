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
// did: a failure to start (of a constructor or a start hook) as its cause
// alone, without fx's and dig's wrapping, whose Go function names say
// nothing to the person running the service.
func Run(cfg Config, stderr io.Writer) int {
	app := fx.New(Options(cfg))
	startCtx, cancel := context.WithTimeout(context.Background(), app.StartTimeout())
	defer cancel()
	if err := app.Start(startCtx); err != nil {
		fmt.Fprintln(stderr, "customer-service:", dig.RootCause(err))
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
