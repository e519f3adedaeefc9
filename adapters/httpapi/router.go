// Package httpapi is the MicroBase HTTP RPC adapter: every method is
// /services/customer/v1/<method>, called with GET or POST, its arguments
// merged from a JSON or form body and the query string, its answer a JSON
// object with a boolean "ok".
package httpapi

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
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
	// MaxAnswerBytes bounds the customers of one customer.list page, in
	// bytes of JSON: a page that reaches it ends early, and its page.next
	// goes on from there. At least one customer is answered.
	MaxAnswerBytes int64
	// MaxHeldBytes bounds what the requests in flight hold at once, their
	// bodies and their list pages together; at least MaxBodyBytes and
	// MaxAnswerBytes. A request that finds no room within its deadline
	// answers 503 service_busy.
	MaxHeldBytes int64
	// Observer is told of every answered request; nil tells no one.
	Observer Observer
}

type router struct {
	cfg      Config
	verifier *token.Verifier
	log      *zap.Logger
	observer Observer
	inFlight sync.Map // the scopes of the keyed writes running, one per request
	held     *heldBytes
}

// NewRouter returns the HTTP handler of the whole public API.
func NewRouter(cfg Config, app application.Application, verifier *token.Verifier, log *zap.Logger) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	rt := &router{cfg: cfg, verifier: verifier, log: log, observer: cmp.Or[Observer](cfg.Observer, ignoreObserver{})}
	rt.held = newHeldBytes(cfg.MaxHeldBytes, cfg.MaxAnswerBytes, rt.observer)
	engine := gin.New()
	// Proxies and clients of a MicroBase deployment are not ours to trust
	// for addresses.
	engine.ForwardedByClientIP = false
	// gin would answer "micro.ping/" with a bare redirect: no envelope, no
	// request id, no access log line. Every answer here is the envelope.
	engine.RedirectTrailingSlash = false
	// The recovery sits inside the access log, so that the 500 it answers
	// is logged and counted like any other answer; so does the header
	// limit, whose 431 is logged without a method, as it comes before
	// any handler of a method runs.
	engine.Use(rt.requestID, rt.accessLog, rt.recovery, rt.limitHeader)
	for _, m := range methodList {
		handlers := []gin.HandlerFunc{rt.named(m.name)}
		if !m.public {
			handlers = append(handlers, rt.authenticate)
		}
		if m.write {
			handlers = append(handlers, rt.idempotent)
		}
		handlers = append(handlers, rt.serve(m.name, m.endpoint(app)))
		engine.GET(BasePath+m.name, handlers...)
		engine.POST(BasePath+m.name, handlers...)
	}
	engine.GET(BasePath+OpenAPIDocument, rt.named(OpenAPIDocument), rt.serveOpenAPI)
	engine.NoRoute(rt.noRoute)
	return engine
}

// serve reads the arguments of a call, calls the endpoint within the
// request timeout, and answers. What the request holds (its body, a list
// page) counts against the room of the requests in flight until its
// answer is written.
func (rt *router) serve(method string, ep endpoint) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), rt.cfg.RequestTimeout)
		defer cancel()
		room := rt.held.claim()
		defer room.release()
		if err := room.wait(ctx, expectedBody(c.Request, rt.cfg.MaxBodyBytes)); err != nil {
			rt.render(c, nil, err)
			return
		}
		args, err := readArguments(c.Writer, c.Request, rt.cfg.MaxBodyBytes)
		if err != nil {
			rt.render(c, nil, err)
			return
		}
		ctx = withClaim(ctx, room)
		if key := exchangeOf(c).idempotencyKey; key.Set() {
			key.Fingerprint = fingerprint(rt.verifier.NewFingerprint(), method, args)
			ctx = withIdempotencyKey(ctx, key)
		}
		payload, err := ep.call(ctx, args)
		rt.render(c, payload, err)
	}
}

// noRoute answers a path no route serves: a method's path called with
// another HTTP method than GET or POST is 405, anything else is 404.
func (rt *router) noRoute(c *gin.Context) {
	path := c.Request.URL.Path
	name, inAPI := strings.CutPrefix(path, BasePath)
	if inAPI && slices.ContainsFunc(methodList, func(m method) bool { return m.name == name }) {
		exchangeOf(c).method = name
		rt.render(c, nil, errMethodNotAllowed)
		return
	}
	if !inAPI || name == "" || strings.Contains(name, "/") {
		name = path
	}
	rt.render(c, nil, &unknownMethodError{method: name})
}

// named records which method a request calls, for the access log.
func (rt *router) named(name string) gin.HandlerFunc {
	return func(c *gin.Context) { exchangeOf(c).method = name }
}
