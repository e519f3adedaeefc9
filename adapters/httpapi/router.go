// Package httpapi is the MicroBase HTTP RPC adapter: every method is
// /services/customer/v1/<method>, called with GET or POST, its arguments
// merged from a JSON or form body and the query string, its answer a JSON
// object with a boolean "ok".
package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/microbase-io/customer-service/adapters/token"
	"github.com/microbase-io/customer-service/application"
)

// BasePath is where MicroBase gateways expect the customer service.
const BasePath = "/services/customer/v1/"

// Config tunes the adapter.
type Config struct {
	// MaxBodyBytes bounds a request body; larger ones get 413.
	MaxBodyBytes int64
	// RequestTimeout bounds the work behind one call, the database's
	// included; a call that runs out answers 503 database_unavailable.
	RequestTimeout time.Duration
	// Observer is told of every answered request; nil tells no one.
	Observer Observer
}

// method is one RPC method: its handler reads the arguments and returns
// the success payload (a struct whose first field is OK) or an error.
type method struct {
	public bool
	handle func(ctx context.Context, args *arguments) (any, error)
}

type router struct {
	cfg      Config
	methods  map[string]method
	verifier *token.Verifier
	log      *zap.Logger
	observer Observer
}

// NewRouter returns the HTTP handler of the whole public API.
func NewRouter(cfg Config, uc application.Application, verifier *token.Verifier, log *zap.Logger) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	rt := &router{cfg: cfg, methods: methods(uc), verifier: verifier, log: log, observer: cfg.Observer}
	if rt.observer == nil {
		rt.observer = ignoreObserver{}
	}
	engine := gin.New()
	// Proxies and clients of a MicroBase deployment are not ours to trust
	// for addresses; the access log records the peer address as is.
	engine.ForwardedByClientIP = false
	// gin would answer "micro.ping/" with a bare redirect: no envelope, no
	// request id, no access log line. Every answer here is the envelope.
	engine.RedirectTrailingSlash = false
	engine.GET(BasePath+OpenAPIDocument, rt.observed(rt.serveOpenAPI))
	engine.GET(BasePath+":method", rt.observed(rt.dispatch))
	engine.POST(BasePath+":method", rt.observed(rt.dispatch))
	// Other HTTP methods on a method's path also end here (gin's 405
	// handling is off): MicroBase methods are called with GET or POST.
	engine.NoRoute(rt.observed(func(c *gin.Context, info *requestInfo) {
		rt.fail(c, info, &unknownMethodError{method: c.Request.URL.Path})
	}))
	return engine
}

// Methods lists the names of the methods served, for documentation checks.
func Methods() []string {
	names := make([]string, 0, 16)
	for name := range methods(application.Application{}) {
		names = append(names, name)
	}
	return names
}

func (rt *router) dispatch(c *gin.Context, info *requestInfo) {
	name := c.Param("method")
	m, ok := rt.methods[name]
	if !ok {
		rt.fail(c, info, &unknownMethodError{method: name})
		return
	}
	info.method = name
	if !m.public {
		if _, err := rt.verifier.Verify(c.GetHeader("Authorization")); err != nil {
			info.authFailure = token.ReasonOf(err)
			rt.fail(c, info, err)
			return
		}
	}
	args, err := parseArguments(c.Request, rt.cfg.MaxBodyBytes)
	if err != nil {
		rt.fail(c, info, err)
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), rt.cfg.RequestTimeout)
	defer cancel()
	payload, err := m.handle(ctx, args)
	if err != nil {
		rt.fail(c, info, err)
		return
	}
	writeJSON(c, http.StatusOK, payload)
}
