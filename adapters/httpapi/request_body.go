package httpapi

import (
	"errors"
	"io"
	"net"
	"net/http"
)

var (
	// errPayloadTooLarge is a body over the configured limit: 413.
	errPayloadTooLarge = errors.New("httpapi: request body too large")
	// errRequestTimeout is a body the client did not finish sending before
	// the server's read deadline: 408.
	errRequestTimeout = errors.New("httpapi: request body not received in time")
)

// expectedBody is the room a request's body will take: its length when it
// says, else the most a body may have.
func expectedBody(r *http.Request, maxBody int64) int64 {
	switch {
	case r.Body == nil || r.Body == http.NoBody || r.ContentLength > maxBody:
		return 0
	case r.ContentLength >= 0:
		return r.ContentLength
	}
	return maxBody
}

// readBody reads the whole body of r, at most maxBody bytes of it. A body
// the client cut short or sent too slowly is the client's doing and is
// answered as such (400 or 408), never as a failure of the service.
func readBody(w http.ResponseWriter, r *http.Request, maxBody int64) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.ContentLength > maxBody {
		return nil, errPayloadTooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var network net.Error
	switch {
	case err == nil:
		return body, nil
	case errors.As(err, new(*http.MaxBytesError)):
		return nil, errPayloadTooLarge
	case errors.As(err, &network) && network.Timeout():
		return nil, errRequestTimeout
	}
	return nil, invalid("body", "was cut short")
}
