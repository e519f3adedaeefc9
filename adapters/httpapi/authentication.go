package httpapi

import (
	"github.com/gin-gonic/gin"

	"github.com/microbase-io/customer-service/adapters/token"
)

// authenticate lets a call through only with a valid token in the
// Authorization header; anywhere else (?access_token=) it is not looked at.
func (rt *router) authenticate(c *gin.Context) {
	claims, err := rt.verifier.Verify(c.GetHeader("Authorization"))
	if err != nil {
		exchangeOf(c).authFailure = token.ReasonOf(err)
		rt.render(c, nil, err)
		c.Abort()
		return
	}
	x := exchangeOf(c)
	x.issuer, x.subject = claims.Issuer, claims.Subject
}
