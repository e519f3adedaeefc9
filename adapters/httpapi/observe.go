package httpapi

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/microbase-io/customer-service/adapters/token"
)

// RequestIDHeader carries MicroBase's correlation chain.
const RequestIDHeader = "X-Request-Id"

// maxIncomingRequestID bounds what a caller can make us echo and log.
const maxIncomingRequestID = 200

// requestInfo is what one request's handlers tell the access log.
type requestInfo struct {
	requestID   string
	method      string
	errorCode   string
	authFailure token.Reason
	// idHeader backs the X-Request-Id answer header, which would
	// otherwise cost an allocation of its own per request.
	idHeader [1]string
}

// handler serves one request and tells the access log about it.
type handler func(c *gin.Context, info *requestInfo)

// observed wraps h so that each request gets its id, a panic becomes a 500
// internal_error answer, and one access log line is written. It wraps
// each route rather than running as gin middleware, so the request's
// bookkeeping is handed to h directly instead of through gin's per-request
// key map, which would cost allocations on every call.
func (rt *router) observed(h handler) gin.HandlerFunc {
	return func(c *gin.Context) { rt.observe(c, h) }
}

func (rt *router) observe(c *gin.Context, h handler) {
	start := time.Now()
	info := &requestInfo{requestID: chainRequestID(c.GetHeader(RequestIDHeader))}
	info.idHeader[0] = info.requestID
	c.Writer.Header()[RequestIDHeader] = info.idHeader[:]

	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			rt.log.Error("panic while serving a request",
				zap.String("request_id", info.requestID), zap.String("method", info.method),
				zap.String("panic", fmt.Sprint(p)), zap.ByteString("stack", debug.Stack()))
			if !c.Writer.Written() {
				info.errorCode = errInternal.code
				writeJSON(c, errInternal.status, errorJSON{Error: errInternal.code})
			}
			c.Abort()
		}
		elapsed := time.Since(start)
		fields := []zap.Field{
			zap.String("request_id", info.requestID),
			zap.String("http_method", c.Request.Method),
			zap.String("path", c.Request.URL.Path),
			zap.String("method", info.method),
			zap.Int("status", c.Writer.Status()),
			zap.Duration("duration", elapsed),
		}
		if info.errorCode != "" {
			fields = append(fields, zap.String("error", info.errorCode))
		}
		if info.authFailure != "" {
			fields = append(fields, zap.String("auth_failure", string(info.authFailure)))
		}
		rt.log.Info("request", fields...)
		rt.report(info, c.Writer.Status(), elapsed)
	}()
	h(c, info)
}

// report tells the observer what the access log line says.
func (rt *router) report(info *requestInfo, status int, elapsed time.Duration) {
	method := info.method
	if method == "" {
		method = UnknownMethod
	}
	rt.observer.RequestServed(ServedRequest{Method: method, Status: status, ErrorCode: info.errorCode, Duration: elapsed})
	if info.authFailure != "" {
		rt.observer.TokenRefused(info.authFailure)
	}
}

// chainRequestID appends a new id to the caller's, as MicroBase does, so
// one id follows a call across services. An incoming id that is too long
// or holds characters outside a safe set is dropped rather than logged.
func chainRequestID(incoming string) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	id := base64.RawURLEncoding.EncodeToString(b[:])
	if incoming == "" || len(incoming) > maxIncomingRequestID {
		return id
	}
	for i := 0; i < len(incoming); i++ {
		c := incoming[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == ':' || c == '.') {
			return id
		}
	}
	return incoming + ":" + id
}
