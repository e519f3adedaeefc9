// Package embedded runs a MongoDB-compatible server inside the process
// (FerretDB, on SQLite files or on PostgreSQL), so the service starts with
// nothing installed and tests have a server to talk to. Clients reach it
// over the wire like any MongoDB; nothing else in the service knows it is
// there. It is a development store: FerretDB's SQLite backend scans
// collections and is not meant for production load.
package embedded

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

// Options says where the server listens and keeps its data.
type Options struct {
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

// Store is a running embedded server.
type Store struct {
	uri    string
	gate   *WriteGate
	cancel context.CancelFunc
	done   chan error
}

// Start runs the server until Stop. Data survives restarts.
func Start(opts Options) (*Store, error) {
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
			return nil, fmt.Errorf("embedded store: %w", err)
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("embedded store: %w", err)
		}
		// temp_store(memory): a FROM scratch image has no temporary
		// directory for SQLite to spill sorts into.
		cfg.Handler, cfg.SQLiteURL = "sqlite", "file:"+dir+"/?_pragma=temp_store(memory)"
	}
	f, err := ferretdb.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("embedded store: %w", err)
	}
	listen := opts.Listen
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, fmt.Errorf("embedded store: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Store{cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- f.Run(ctx) }()
	// MongoDBURI waits until FerretDB's listener is bound.
	backend, err := url.Parse(f.MongoDBURI())
	if err != nil {
		cancel()
		_ = l.Close()
		return nil, fmt.Errorf("embedded store: %w", err)
	}
	s.gate = NewWriteGate(l, backend.Host)
	go func() { _ = s.gate.Serve() }()
	s.uri = "mongodb://" + l.Addr().String() + "/"
	return s, nil
}

// URI is the driver connection string of the running server.
func (s *Store) URI() string { return s.uri }

// Done delivers the server's exit when it stops on its own.
func (s *Store) Done() <-chan error { return s.done }

// Stop closes the listener and the database files, waiting at most until
// ctx ends.
func (s *Store) Stop(ctx context.Context) error {
	_ = s.gate.Close()
	s.cancel()
	select {
	case err := <-s.done:
		if err != nil && !errors.Is(err, context.Canceled) {
			return fmt.Errorf("embedded store: %w", err)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
