// Command mongoserver is the MongoDB-compatible server the MongoDB
// adapter's tests run against where no real MongoDB is available:
// FerretDB's embeddable package, storing its data in SQLite files under a
// directory, or in PostgreSQL when a URL is given (the faster choice for
// benchmarks). Tests start it as a process or as the test database image.
// It is a module of its own so that FerretDB and its dependencies stay out
// of the service's build.
//
// It exists instead of FerretDB's own command because that command, built
// from the published module, panics at start for want of a generated
// version file; and because it serves through a write gate (see
// WriteGate), which gives FerretDB the single-document write atomicity
// MongoDB has.
//
// Once it accepts clients it prints their connection string on a line of
// its own on standard output, so a test that asked for any free port
// (-listen 127.0.0.1:0) learns which. Every flag can also be set from the
// environment variable named beside it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	logger, err := run(os.Args[1:])
	switch {
	case errors.Is(err, flag.ErrHelp):
		return
	case err != nil:
		logger.Error("mongoserver failed", "error", err)
		os.Exit(1)
	}
}

type config struct {
	listen        string
	dataDir       string
	postgreSQLURL string
	logLevel      slog.Level
}

func run(args []string) (*slog.Logger, error) {
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))

	cfg, err := parseConfig(args)
	if err != nil {
		return logger, err
	}
	logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.logLevel}))

	// As PID 1 in a container, a signal without a handler is ignored, so
	// without this `docker stop` would wait its full grace period and kill.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	logger.Info("mongoserver starting", "listen", cfg.listen, "postgresql", cfg.postgreSQLURL != "")
	srv, err := startServer(options{
		Listen:        cfg.listen,
		DataDir:       cfg.dataDir,
		PostgreSQLURL: cfg.postgreSQLURL,
		Logger:        logger,
	})
	if err != nil {
		return logger, err
	}
	fmt.Println(srv.uri)
	select {
	case <-ctx.Done():
	case err := <-srv.Done():
		return logger, fmt.Errorf("server stopped: %v", err)
	}
	stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Stop(stopCtx); err != nil {
		return logger, err
	}
	logger.Info("mongoserver stopped cleanly")
	return logger, nil
}

func parseConfig(args []string) (config, error) {
	cfg := config{}
	fs := flag.NewFlagSet("mongoserver", flag.ContinueOnError)
	fs.StringVar(&cfg.listen, "listen", envOr("MONGOSERVER_LISTEN", "0.0.0.0:27017"),
		"TCP address to accept MongoDB clients on (MONGOSERVER_LISTEN)")
	fs.StringVar(&cfg.dataDir, "data", envOr("MONGOSERVER_DATA", "/data/db"),
		"existing directory holding the SQLite files (MONGOSERVER_DATA)")
	fs.StringVar(&cfg.postgreSQLURL, "postgresql-url", os.Getenv("MONGOSERVER_POSTGRESQL_URL"),
		"store in this PostgreSQL database instead of SQLite (MONGOSERVER_POSTGRESQL_URL)")
	level := fs.String("log-level", envOr("MONGOSERVER_LOG_LEVEL", "info"),
		"debug, info, warn or error (MONGOSERVER_LOG_LEVEL)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if err := cfg.logLevel.UnmarshalText([]byte(*level)); err != nil {
		return cfg, fmt.Errorf("-log-level: %w", err)
	}
	if cfg.listen == "" {
		return cfg, errors.New("-listen must not be empty")
	}
	return cfg, nil
}

func envOr(name, fallback string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return fallback
}
