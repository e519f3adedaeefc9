package httpapi

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
)

// maxHeaderBytes bounds a request's line and headers, counted as
// net/http counts its own limit; a larger request is answered 431
// header_too_large.
const maxHeaderBytes = 64 << 10

// errHeaderTooLarge is a request whose line and headers exceed
// maxHeaderBytes: 431.
var errHeaderTooLarge = errors.New("httpapi: request header too large")

// limitHeader refuses a request whose line and headers exceed
// maxHeaderBytes, before anything reads them.
func (rt *router) limitHeader(c *gin.Context) {
	if headerBytes(c.Request) > maxHeaderBytes {
		rt.render(c, nil, errHeaderTooLarge)
		c.Abort()
	}
}

// headerBytes is the size of r's request line and header lines as they
// came on the wire, give or take the spaces around each colon.
func headerBytes(r *http.Request) int {
	const colon, crlf = len(": "), len("\r\n")
	n := len(r.Method) + 1 + len(r.RequestURI) + 1 + len(r.Proto) + crlf
	if r.Host != "" {
		n += len("Host") + colon + len(r.Host) + crlf
	}
	for name, values := range r.Header {
		for _, v := range values {
			n += len(name) + colon + len(v) + crlf
		}
	}
	return n
}
