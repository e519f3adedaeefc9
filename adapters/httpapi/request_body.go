package httpapi

import (
	"errors"
	"fmt"
	"io"
	"net/http"
)

// errPayloadTooLarge is a body over the configured limit: 413.
var errPayloadTooLarge = errors.New("httpapi: request body too large")

// readBody reads the whole body of r, at most maxBody bytes of it.
func readBody(w http.ResponseWriter, r *http.Request, maxBody int64) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.ContentLength > maxBody {
		return nil, errPayloadTooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case err == nil:
		return body, nil
	case errors.As(err, &tooLarge):
		return nil, errPayloadTooLarge
	}
	return nil, fmt.Errorf("httpapi: read request body: %w", err)
}
