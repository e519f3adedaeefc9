package main

// server is FerretDB (on SQLite files, or on PostgreSQL) serving through a
// write gate, started inside this process.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// options say where the server listens and keeps its data.
type options struct {
	// Listen is the address clients connect to; default 127.0.0.1:0 (a
	// random loopback port).
	Listen string
	// DataDir holds the SQLite files (created if missing, only readable by
	// this user); ignored when PostgreSQLURL is set.
	DataDir string
	// PostgreSQLURL stores the data in that PostgreSQL database instead.
	PostgreSQLURL string
	// Logger receives FerretDB's logs.
	Logger *slog.Logger
}

// server is a running FerretDB behind its write gate.
type server struct {
	uri    string
	gate   *WriteGate
	cancel context.CancelFunc
	exited chan error
}

// startServer runs the server until stop. Data survives restarts.
func startServer(opts options) (*server, error) {
	cfg := &ferretdb.Config{
		// FerretDB itself only listens on loopback; clients go through the
		// write gate (see WriteGate).
		Listener: ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Logger:   opts.Logger,
	}
	if opts.PostgreSQLURL != "" {
		cfg.Handler, cfg.PostgreSQLURL = "postgresql", opts.PostgreSQLURL
	} else {
		dir, err := filepath.Abs(opts.DataDir)
		if err != nil {
			return nil, fmt.Errorf("ferretdb: %w", err)
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("ferretdb: %w", err)
		}
		// temp_store(memory): a FROM scratch image has no temporary
		// directory for SQLite to spill sorts into.
		cfg.Handler, cfg.SQLiteURL = "sqlite", "file:"+dir+"/?_pragma=temp_store(memory)"
	}
	f, err := ferretdb.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("ferretdb: %w", err)
	}
	listen := opts.Listen
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, fmt.Errorf("ferretdb: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{cancel: cancel, exited: make(chan error, 1)}
	go func() { s.exited <- f.Run(ctx) }()
	// MongoDBURI waits until FerretDB's listener is bound.
	backend, err := url.Parse(f.MongoDBURI())
	if err != nil {
		cancel()
		_ = l.Close()
		return nil, fmt.Errorf("ferretdb: %w", err)
	}
	s.gate = NewWriteGate(l, backend.Host)
	go func() { _ = s.gate.Serve() }()
	s.uri = "mongodb://" + l.Addr().String() + "/"
	return s, nil
}

// Done delivers the server's exit when it stops on its own.
func (s *server) Done() <-chan error { return s.exited }

// Stop closes the listener and the database files, waiting at most until
// ctx ends.
func (s *server) Stop(ctx context.Context) error {
	_ = s.gate.Close()
	s.cancel()
	select {
	case err := <-s.exited:
		if err != nil && !errors.Is(err, context.Canceled) {
			return fmt.Errorf("ferretdb: %w", err)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
