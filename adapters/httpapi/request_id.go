package httpapi

import (
	"crypto/rand"
	"encoding/base64"

	"github.com/gin-gonic/gin"
)

// RequestIDHeader carries MicroBase's correlation chain.
const RequestIDHeader = "X-Request-Id"

// maxIncomingRequestID bounds what a caller can make us echo and log.
const maxIncomingRequestID = 200

// requestID gives the request its id, returned on the answer, and starts
// its exchange.
func (rt *router) requestID(c *gin.Context) {
	x := &exchange{requestID: chainRequestID(c.GetHeader(RequestIDHeader))}
	c.Set(exchangeKey, x)
	c.Header(RequestIDHeader, x.requestID)
	c.Next()
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
