package httpapi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"go.uber.org/zap"
)

// Server runs an http.Handler on a listening address, for the fx
// lifecycle: Start returns once the port is bound, Stop drains.
type Server struct {
	addr     string
	srv      *http.Server
	listener net.Listener
	log      *zap.Logger
	served   chan struct{}
}

// ServerOption changes a setting of NewServer.
type ServerOption func(*http.Server)

// WithWriteTimeout replaces the time allowed to write an answer, for a
// server whose answers take long by design (a 30 s CPU profile).
func WithWriteTimeout(d time.Duration) ServerOption {
	return func(s *http.Server) { s.WriteTimeout = d }
}

// NewServer prepares a server; the timeouts keep a slow or idle client from
// holding a connection forever.
func NewServer(addr string, handler http.Handler, log *zap.Logger, opts ...ServerOption) *Server {
	s := &Server{
		addr: addr,
		log:  log,
		srv: &http.Server{
			Handler:           handler,
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       2 * time.Minute,
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          zap.NewStdLog(log.Named("http")),
		},
		served: make(chan struct{}),
	}
	for _, o := range opts {
		o(s.srv)
	}
	return s
}

// Start binds the address and serves in the background.
func (s *Server) Start(context.Context) error {
	l, err := net.Listen("tcp", s.addr)
	if err != nil {
		return err
	}
	s.listener = l
	s.log.Info("listening", zap.String("addr", l.Addr().String()))
	go func() {
		defer close(s.served)
		if err := s.srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("server stopped", zap.Error(err))
		}
	}()
	return nil
}

// Addr is the bound address (useful when the configured port is 0).
func (s *Server) Addr() net.Addr { return s.listener.Addr() }

// Stop closes the listener at once, so new connections are refused, and
// waits for the requests in flight to finish until ctx ends; then it cuts
// the connections that remain.
func (s *Server) Stop(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if err != nil {
		_ = s.srv.Close()
	}
	<-s.served
	return err
}
