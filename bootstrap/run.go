package bootstrap

import (
	"context"
	"fmt"
	"os"

	"go.uber.org/dig"
	"go.uber.org/fx"
)

// Run starts the service, waits for SIGINT or SIGTERM, and stops it:
// the listener closes at once, requests in flight get up to
// shutdown_timeout to finish, then the database connections close. It
// returns the process exit code.
func Run(cfg Config) int {
	app := fx.New(Options(cfg))
	if err := app.Err(); err != nil {
		// fx's error names every constructor on the way to the one that
		// failed (its log has them); that one's error says why.
		fmt.Fprintln(os.Stderr, "customer-service:", dig.RootCause(err))
		return 1
	}
	startCtx, cancel := context.WithTimeout(context.Background(), app.StartTimeout())
	defer cancel()
	if err := app.Start(startCtx); err != nil {
		fmt.Fprintln(os.Stderr, "customer-service: start:", err)
		return 1
	}
	signal := <-app.Wait()
	stopCtx, cancel := context.WithTimeout(context.Background(), app.StopTimeout())
	defer cancel()
	if err := app.Stop(stopCtx); err != nil {
		fmt.Fprintln(os.Stderr, "customer-service: stop:", err)
		return 1
	}
	return signal.ExitCode
}
