package httpapi

import (
	"github.com/gin-gonic/gin"

	"github.com/microbase-io/customer-service/adapters/token"
)

// exchange is what the handlers of one request tell the access log.
type exchange struct {
	requestID   string
	method      string // the RPC method called; "" when the path names none
	errorCode   string // the MicroBase error answered; "" on success
	authFailure token.Reason
	subject     string // the token's, once authenticated
	// idempotencyScope is the Idempotency-Key of a write, within the
	// subject; "" when none was sent.
	idempotencyScope string
}

// exchangeKey is where a request's exchange lives among gin's keys; the
// requestID middleware puts it there before any other handler runs.
const exchangeKey = "httpapi.exchange"

func exchangeOf(c *gin.Context) *exchange { return c.MustGet(exchangeKey).(*exchange) }
