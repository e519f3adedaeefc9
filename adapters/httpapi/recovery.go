package httpapi

import (
	"fmt"
	"net/http"
	"runtime/debug"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"
)

// recovery turns a panic into a 500 internal_error answer over a live
// connection, and a log line tied to the request that says what happened;
// the client sees no trace of it.
func (rt *router) recovery(c *gin.Context) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		if p == http.ErrAbortHandler {
			panic(p)
		}
		x := exchangeOf(c)
		rt.log.Error("panic while serving a request",
			zap.String("request_id", x.requestID), zap.String("method", x.method),
			zap.String("panic", fmt.Sprint(p)), zap.ByteString("stack", debug.Stack()))
		if !c.Writer.Written() {
			rt.render(c, nil, errPanicked)
		}
		c.Abort()
	}()
	c.Next()
}
