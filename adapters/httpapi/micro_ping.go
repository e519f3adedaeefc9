package httpapi

import "context"

type pingPayload struct {
	OK     bool   `json:"ok"`
	Answer string `json:"answer"`
}

// microPing is MicroBase's liveness call, public so gateways and
// orchestrators can call it without a token.
func microPing(context.Context, *arguments) (any, error) {
	return pingPayload{OK: true, Answer: "pong"}, nil
}
