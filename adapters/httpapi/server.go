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

// serverTimeouts keep a slow or idle client from holding a connection
// forever.
type serverTimeouts struct {
	readHeader, read, work, write, idle time.Duration
}

// ServerOption changes a setting of NewServer.
type ServerOption func(*serverTimeouts)

// WithRequestTimeout is how long a handler may work on a request once it
// is read (Config.RequestTimeout); the write deadline leaves room for it.
func WithRequestTimeout(d time.Duration) ServerOption {
	return func(t *serverTimeouts) { t.work = d }
}

// WithWriteTimeout fixes the time allowed to write an answer, for a
// server whose answers take long by design (a 30 s CPU profile).
func WithWriteTimeout(d time.Duration) ServerOption {
	return func(t *serverTimeouts) { t.write = d }
}

// answerTime is what the write deadline leaves for an answer to reach
// the client once the body is read and the work done: a 4 MiB list page
// at 400 KiB/s. A client reading slower is cut off.
const answerTime = 10 * time.Second

// serverMaxHeaderBytes is net/http's own bound on a request's line and
// headers. It stays above the API's (maxHeaderBytes), so that a request a
// little over that one is refused by the API, in the envelope, with a
// request id and an access log line, rather than by net/http in plain
// text; and no further above, as the server holds that much of every
// connection while it reads the headers.
const serverMaxHeaderBytes = 2 * maxHeaderBytes

// NewServer prepares a server. The write deadline is set once the
// headers are read, and the body may still take what is left of the read
// timeout, then the work its request timeout: so the write timeout is
// their sum and the time to send the answer. Were it no longer than the
// read timeout, the 408 of a body that came too slowly would find its
// deadline passed and the client a bare close.
func NewServer(addr string, handler http.Handler, log *zap.Logger, opts ...ServerOption) *Server {
	t := serverTimeouts{readHeader: 10 * time.Second, read: 30 * time.Second, idle: 2 * time.Minute}
	for _, o := range opts {
		o(&t)
	}
	if t.write == 0 {
		t.write = t.read + t.work + answerTime
	}
	return &Server{
		addr: addr,
		log:  log,
		srv: &http.Server{
			Handler:           handler,
			ReadHeaderTimeout: t.readHeader,
			ReadTimeout:       t.read,
			WriteTimeout:      t.write,
			IdleTimeout:       t.idle,
			MaxHeaderBytes:    serverMaxHeaderBytes,
			// "OPTIONS *" goes to the handler too, which answers it in the
			// envelope like any path it does not serve.
			DisableGeneralOptionsHandler: true,
			ErrorLog:                     zap.NewStdLog(log.Named("http")),
		},
		served: make(chan struct{}),
	}
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
