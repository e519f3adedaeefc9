package httpapi

import (
	"math"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/go-json-experiment/json"
	"go.uber.org/zap"
)

// errorJSON is the failure envelope of every method.
type errorJSON struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
	Data  any    `json:"data,omitempty"`
}

// render writes every answer of the API: payload with 200, or err as
// toAPIError turns it into a status and the MicroBase envelope. An error
// toAPIError does not know is logged with its text, which never reaches
// the client; so is the cause of a store's fault, once per request, at
// warn: it is expected, and its stack would say nothing.
func (rt *router) render(c *gin.Context, payload any, err error) {
	if err == nil {
		writeJSON(c, http.StatusOK, payload)
		return
	}
	e, known := toAPIError(err)
	x := exchangeOf(c)
	x.errorCode = e.code
	switch {
	case !known:
		rt.log.Error("unexpected error", zap.String("request_id", x.requestID), zap.String("method", x.method), zap.Error(err))
	case e.warn:
		rt.log.Warn("database unavailable", zap.String("request_id", x.requestID), zap.String("method", x.method), zap.Error(err))
	}
	if e.allow != "" {
		c.Header("Allow", e.allow)
	}
	if e.retryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(e.retryAfter.Seconds()))))
	}
	writeJSON(c, e.status, errorJSON{Error: e.code, Data: e.data})
}

// writeJSON writes an answer; a failed write is the access log's to tell.
func writeJSON(c *gin.Context, status int, answer any) {
	c.Header("Content-Type", "application/json; charset=utf-8")
	c.Status(status)
	if list, ok := answer.(*listAnswer); ok {
		_ = list.writeJSON(c.Writer)
		return
	}
	_ = json.MarshalWrite(c.Writer, answer, answerOptions)
}
