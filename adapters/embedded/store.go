// Package embedded runs a MongoDB-compatible server inside the process
// (FerretDB with its SQLite backend), so the service starts with nothing
// installed. The MongoDB adapter talks to it over the wire on loopback like
// to any MongoDB; nothing else in the service knows it is there. It is a
// development store: FerretDB's SQLite backend scans collections and is not
// meant for production load.
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

// Store is a running embedded server.
type Store struct {
	uri    string
	gate   *WriteGate
	cancel context.CancelFunc
	done   chan error
}

// Start serves the database files under dataDir (created if missing, only
// readable by this user) on a random loopback port. Data survives restarts.
func Start(dataDir string, logger *slog.Logger) (*Store, error) {
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("embedded store: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("embedded store: %w", err)
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		return nil, fmt.Errorf("embedded store: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Store{cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- f.Run(ctx) }()
	// MongoDBURI waits until FerretDB's listener is bound; clients reach
	// it only through the write gate (see WriteGate).
	backend, err := url.Parse(f.MongoDBURI())
	if err != nil {
		cancel()
		return nil, fmt.Errorf("embedded store: %w", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		return nil, fmt.Errorf("embedded store: %w", err)
	}
	s.gate = NewWriteGate(l, backend.Host)
	go func() { _ = s.gate.Serve() }()
	s.uri = "mongodb://" + l.Addr().String() + "/"
	return s, nil
}

// URI is the driver connection string of the running server.
func (s *Store) URI() string { return s.uri }

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
