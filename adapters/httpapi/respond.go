package httpapi

import (
	"encoding/json"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"
)

// errorJSON is the failure envelope of every method.
type errorJSON struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
	Data  any    `json:"data,omitempty"`
}

// fail answers err in the MicroBase envelope. An error that maps to no
// known code is logged with its text, which never reaches the client.
func (rt *router) fail(c *gin.Context, info *requestInfo, err error) {
	e, known := toAPIError(err)
	info.errorCode = e.code
	if !known {
		rt.log.Error("unexpected error", zap.String("request_id", info.requestID),
			zap.String("method", info.method), zap.Error(err))
	}
	writeJSON(c, e.status, errorJSON{Error: e.code, Data: e.data})
}

// jsonContentType is shared by every answer: net/http only reads it, and
// setting the header map entry directly saves gin's allocations per call.
var jsonContentType = []string{"application/json; charset=utf-8"}

func writeJSON(c *gin.Context, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Only a bug in a payload type can get here.
		status, body = errInternal.status, []byte(`{"ok":false,"error":"internal_error"}`)
	}
	c.Writer.Header()["Content-Type"] = jsonContentType
	c.Writer.WriteHeader(status)
	_, _ = c.Writer.Write(body)
}
