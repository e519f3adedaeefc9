package main

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"go.mongodb.org/mongo-driver/v2/mongo"
)

func TestErrorKind_GroupsErrorsThatDifferOnlyInDetail(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"a service answer", &serviceError{status: 503, code: "database_unavailable"}, "HTTP 503 database_unavailable"},
		{"a lost customer", errNoMatch, "no document matched"},
		{"a deadline, wrapped with a port", fmt.Errorf("read tcp 127.0.0.1:41604: %w", context.DeadlineExceeded), "timed out"},
		{"a server error", mongo.CommandError{Code: 1, Name: "InternalError", Message: "at 0x1234"}, "server error 1 InternalError"},
		{"anything else", errors.New("something at 127.0.0.1:5"), "other error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errorKind(tt.err); got != tt.want {
				t.Errorf("errorKind(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}
