package httpapi

import (
	"cmp"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"
)

// accessLog writes one line per request, at info level whatever the
// answer, and tells the observer (metrics) the same. What the caller
// chose (the path, the HTTP method) is cut to the bound of an echo, so
// that no request makes a line of its own size.
func (rt *router) accessLog(c *gin.Context) {
	start := time.Now()
	w := &answerWriter{ResponseWriter: c.Writer}
	c.Writer = w
	c.Next()
	elapsed := time.Since(start)
	x := exchangeOf(c)
	status := c.Writer.Status()
	bytes := max(c.Writer.Size(), 0)
	fields := []zap.Field{
		zap.String("request_id", x.requestID),
		zap.String("http_method", echo(c.Request.Method)),
		zap.String("path", echo(c.Request.URL.Path)),
		zap.String("method", x.method),
		zap.Int("status", status),
		zap.Int("bytes", bytes),
		zap.Duration("duration", elapsed),
	}
	if x.errorCode != "" {
		fields = append(fields, zap.String("error", x.errorCode))
	}
	if w.failure != "" {
		fields = append(fields, zap.String("write_failure", string(w.failure)))
	}
	if x.authFailure != "" {
		fields = append(fields, zap.String("auth_failure", string(x.authFailure)))
	}
	rt.log.Info("request", fields...)

	rt.observer.RequestServed(ServedRequest{Method: cmp.Or(x.method, UnknownMethod), Status: status, ErrorCode: x.errorCode,
		Bytes: bytes, WriteFailure: w.failure, Duration: elapsed})
	if x.authFailure != "" {
		rt.observer.TokenRefused(x.authFailure)
	}
}
