package httpapi

import (
	"context"
	"encoding/hex"
	"errors"
	"hash"
	"maps"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/microbase-io/customer-service/application"
)

// IdempotencyKeyHeader names the key a client sends with a write it may
// send again (Stripe's header, and the IETF httpapi draft's).
const IdempotencyKeyHeader = "Idempotency-Key"

// maxIdempotencyKey is the longest key taken, as Stripe's.
const maxIdempotencyKey = 255

// errKeyInUse is a keyed write whose key a write of this instance is still
// running.
var errKeyInUse = errors.New("httpapi: the idempotency key's first request is still running")

// idempotent reads the Idempotency-Key of a write: none lets the call run
// as any other; a malformed one, or one sent with a token that names no
// subject (whose records no bound could be kept for), is a
// validation_error; one whose first request this instance is still
// running is idempotency_key_in_use. Otherwise the key, scoped to the
// token's issuer and subject, goes with the call (see serve) and the
// stores replay or refuse (application.IdempotencyKey).
func (rt *router) idempotent(c *gin.Context) {
	key, sent := c.Request.Header[IdempotencyKeyHeader]
	if !sent {
		return
	}
	ex := exchangeOf(c)
	var problem string
	switch {
	case len(key) != 1 || !validKey(key[0]):
		problem = "must be one value of 1 to 255 visible ASCII characters"
	case ex.subject == "":
		problem = "needs a token that names its subject (sub)"
	}
	if problem != "" {
		rt.render(c, nil, invalid(IdempotencyKeyHeader, problem))
		c.Abort()
		return
	}
	k := application.NewIdempotencyKey(ex.issuer, ex.subject, key[0], "")
	if _, held := rt.inFlight.LoadOrStore(k.Scope, struct{}{}); held {
		rt.render(c, nil, errKeyInUse)
		c.Abort()
		return
	}
	defer rt.inFlight.Delete(k.Scope)
	ex.idempotencyKey = k
	c.Next()
}

func validKey(k string) bool {
	return k != "" && len(k) <= maxIdempotencyKey && !strings.ContainsFunc(k, func(r rune) bool { return r < '!' || r > '~' })
}

// fingerprint identifies a call's method and arguments, as they came:
// each argument by the source that gives it (the query wins), JSON values
// canonical, so that a copy of a call sent again has the fingerprint of
// the first. h is keyed (token.Verifier.NewFingerprint): the arguments
// hold passwords.
func fingerprint(h hash.Hash, method string, args arguments) string {
	h.Write([]byte(method))
	names := slices.Sorted(maps.Keys(args.query))
	names = append(names, slices.Sorted(maps.Keys(args.form))...)
	names = append(names, slices.Sorted(maps.Keys(args.json))...)
	slices.Sort(names)
	for _, name := range slices.Compact(names) {
		h.Write([]byte("\x00" + name + "\x00"))
		if vs, ok := args.text(name); ok {
			for _, v := range vs {
				h.Write([]byte(v + "\x01"))
			}
			continue
		}
		v := args.json[name].Clone()
		if err := v.Canonicalize(); err != nil {
			h.Write(args.json[name]) // not JSON the decoder takes; the call fails anyway
			continue
		}
		h.Write(v)
	}
	return hex.EncodeToString(h.Sum(nil))
}

type idempotencyKeyContext struct{}

// withIdempotencyKey gives the call's key to its handler.
func withIdempotencyKey(ctx context.Context, key application.IdempotencyKey) context.Context {
	return context.WithValue(ctx, idempotencyKeyContext{}, key)
}

// idempotencyKeyOf is the key of the call ctx belongs to; the zero key
// when the client sent none.
func idempotencyKeyOf(ctx context.Context) application.IdempotencyKey {
	key, _ := ctx.Value(idempotencyKeyContext{}).(application.IdempotencyKey)
	return key
}
