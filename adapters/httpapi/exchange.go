package httpapi

import (
	"github.com/gin-gonic/gin"

	"github.com/microbase-io/customer-service/adapters/token"
	"github.com/microbase-io/customer-service/application"
)

// exchange is what the handlers of one request tell the access log.
type exchange struct {
	requestID   string
	method      string // the RPC method called; "" when the path names none
	errorCode   string // the MicroBase error answered; "" on success
	authFailure token.Reason
	// issuer and subject are the token's, once authenticated.
	issuer, subject string
	// idempotencyKey is the Idempotency-Key of a write, within the
	// token's issuer and subject, still without the call's fingerprint;
	// none when the client sent none.
	idempotencyKey application.IdempotencyKey
}

// exchangeKey is where a request's exchange lives among gin's keys; the
// requestID middleware puts it there before any other handler runs.
const exchangeKey = "httpapi.exchange"

func exchangeOf(c *gin.Context) *exchange { return c.MustGet(exchangeKey).(*exchange) }
