package httpapi

import (
	"errors"
	"os"

	"github.com/gin-gonic/gin"
)

// WriteFailure says why an answer did not reach the connection whole; ""
// when it did. The set is fixed, so it can label metrics.
type WriteFailure string

const (
	// WriteTimeout is an answer the client read too slowly: the write
	// deadline passed first.
	WriteTimeout WriteFailure = "timeout"
	// WriteConnectionClosed is an answer whose client closed or reset the
	// connection first.
	WriteConnectionClosed WriteFailure = "connection_closed"
)

// answerWriter remembers why the answer could not be written, so that the
// access log does not report an answer the client never got as served.
// What net/http still buffers when the handlers return (a few KiB at
// most) goes out after the line; a failure of that last write goes
// unseen.
type answerWriter struct {
	gin.ResponseWriter
	failure WriteFailure
}

func (w *answerWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.failed(err)
	return n, err
}

func (w *answerWriter) WriteString(s string) (int, error) {
	n, err := w.ResponseWriter.WriteString(s)
	w.failed(err)
	return n, err
}

func (w *answerWriter) failed(err error) {
	switch {
	case err == nil || w.failure != "":
	case errors.Is(err, os.ErrDeadlineExceeded):
		w.failure = WriteTimeout
	default: // a write of this adapter meets no error but the connection's
		w.failure = WriteConnectionClosed
	}
}
