package httpapi

import (
	"crypto/rand"
	"encoding/base64"
	"strings"

	"github.com/gin-gonic/gin"
)

// RequestIDHeader carries MicroBase's correlation chain.
const RequestIDHeader = "X-Request-Id"

// maxIncomingRequestID bounds what a caller can make us echo and log.
const maxIncomingRequestID = 200

// requestIDChars are the characters an incoming id may hold.
const requestIDChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:."

// requestID gives the request its id, returned on the answer, and starts
// its exchange.
func (rt *router) requestID(c *gin.Context) {
	x := &exchange{requestID: chainRequestID(c.GetHeader(RequestIDHeader))}
	c.Set(exchangeKey, x)
	c.Header(RequestIDHeader, x.requestID)
}

// chainRequestID appends a new id to the caller's, as MicroBase does, so
// one id follows a call across services. An incoming id that is too long
// or holds characters outside a safe set is dropped rather than logged.
func chainRequestID(incoming string) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	id := base64.RawURLEncoding.EncodeToString(b[:])
	if incoming == "" || len(incoming) > maxIncomingRequestID || strings.Trim(incoming, requestIDChars) != "" {
		return id
	}
	return incoming + ":" + id
}
