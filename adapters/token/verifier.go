// Package token verifies and issues MicroBase bearer tokens: HS256 JWTs signed
// with the deployment's shared secret and carrying a scope claim.
package token

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/golang-jwt/jwt/v5"
	lru "github.com/hashicorp/golang-lru/v2"
)

const (
	// leeway absorbs clock skew between the issuing host and this one: a
	// token is accepted up to 30 s after its exp and from 30 s before its
	// nbf or iat.
	leeway = 30 * time.Second

	// maxTokenLength bounds the work an unauthenticated caller can cause;
	// real tokens are a few hundred bytes.
	maxTokenLength = 8 << 10

	// keptTokens bounds the accepted tokens whose decoding a Verifier
	// keeps: far above the tokens live at once in a deployment (one per
	// calling service or user session).
	keptTokens = 1024

	// maxKeptTokenLength bounds a kept token, and so what its entry holds:
	// real tokens are a few hundred bytes, and a longer one is checked
	// afresh on every call. An entry is the token, its strings and its
	// list of scopes (a scope costs its string header, 16 bytes, for as
	// little as 3 bytes of JSON), so the cache holds at most about 11 MiB.
	maxKeptTokenLength = 2 << 10
)

// Verifier checks the Authorization header of incoming requests. It is safe
// for concurrent use.
//
// It keeps the decoding of the tokens it accepted (golang-lru, the least
// recently used going first): the signature check and decoding depend on
// the token, the secrets and the Verifier's scope alone, and cost a tenth
// of an update's CPU; the checks against the clock run on every call.
type Verifier struct {
	fingerprintKey []byte
	parser         *jwt.Parser    // signature and decoding
	validator      *jwt.Validator // exp, nbf and iat against the clock
	keyfunc        jwt.Keyfunc
	scope          string
	maxLifetime    time.Duration
	now            func() time.Time
	kept           *lru.Cache[string, decodedToken]
	hits, misses   atomic.Uint64
}

// decodedToken is what a token's signature check and decoding give.
type decodedToken struct {
	claims tokenClaims
	scopes []string
}

// NewVerifier returns a Verifier accepting HS256 tokens signed with any of
// secrets (several allow rotating the secret without downtime), carrying
// scope, and living no longer than maxLifetime. Every secret must pass
// CheckSecret.
func NewVerifier(secrets [][]byte, scope string, maxLifetime time.Duration) (*Verifier, error) {
	if len(secrets) == 0 {
		return nil, errors.New("token: no secret")
	}
	keys := make([]jwt.VerificationKey, len(secrets))
	for i, s := range secrets {
		if err := CheckSecret(s); err != nil {
			return nil, fmt.Errorf("token: %w", err)
		}
		keys[i] = bytes.Clone(s)
	}
	if scope == "" {
		return nil, errors.New("token: empty scope")
	}
	if strings.ContainsFunc(scope, unicode.IsSpace) {
		return nil, errors.New("token: scope must be a single word")
	}
	if maxLifetime <= 0 {
		return nil, errors.New("token: maximum lifetime must be positive")
	}
	kept, err := lru.New[string, decodedToken](keptTokens)
	if err != nil {
		return nil, err
	}

	// Built once: a key set boxed per call, or a method value taken per
	// call, would allocate on every request.
	var keySet any = jwt.VerificationKeySet{Keys: keys}
	v := &Verifier{
		fingerprintKey: fingerprintKey(secrets[0]),
		keyfunc:        func(*jwt.Token) (any, error) { return keySet, nil },
		scope:          scope,
		maxLifetime:    maxLifetime,
		now:            time.Now,
		kept:           kept,
	}
	v.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		// Canonical base64 only, so one signed token has one spelling.
		jwt.WithStrictDecoding(),
		// The claims are checked against the clock on every call, by
		// the validator, after the signature as jwt orders them.
		jwt.WithoutClaimsValidation(),
	)
	v.validator = jwt.NewValidator(
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(func() time.Time { return v.now() }),
		// A token without exp would be good forever, and one issued in
		// the future is a broken or forged issuer's.
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
	)
	return v, nil
}

// Verify checks authorization, the raw Authorization header value
// ("Bearer <jwt>", scheme in any letter case), and returns the token's claims.
// The token must be HS256-signed with one of the Verifier's secrets, have no
// crit header member, have an exp and be within it, its nbf and its iat
// (each with a 30 s leeway), live no longer than the maximum lifetime (exp
// minus iat, or exp minus now when it has no iat, plus the leeway), and carry
// the Verifier's scope as a whole word. exp, nbf and iat must be JSON
// numbers; a scope string is split on spaces (U+0020) alone.
//
// Every error matches ErrInvalidToken and has a ReasonOf; none quotes the
// token.
func (v *Verifier) Verify(authorization string) (Claims, error) {
	raw, err := bearerToken(authorization)
	if err != nil {
		return Claims{}, err
	}
	t, kept := v.kept.Get(raw)
	if kept {
		v.hits.Add(1)
	} else {
		v.misses.Add(1)
		if t, err = v.decode(raw); err != nil {
			return Claims{}, err
		}
	}
	exp, err := v.checkClock(&t.claims)
	if err != nil {
		if kept {
			// A kept token the clock refuses gives up its slot; if the
			// clock comes back within it, it costs one decoding more.
			v.kept.Remove(raw)
		}
		return Claims{}, err
	}
	if !kept && len(raw) <= maxKeptTokenLength {
		// Cloned so that the entry does not pin the request's header.
		v.kept.Add(strings.Clone(raw), t)
	}
	c := t.claims
	return Claims{Subject: c.Subject, Issuer: c.Issuer, ID: c.ID, ExpiresAt: exp, scopes: slices.Clip(t.scopes)}, nil
}

// checkClock checks c's exp, nbf and iat against the clock, and its
// lifetime, and returns its expiry.
func (v *Verifier) checkClock(c *tokenClaims) (time.Time, error) {
	if err := v.validator.Validate(c); err != nil {
		return time.Time{}, invalidTokenErrorFor(err)
	}
	// WithExpirationRequired: exp is never nil here.
	exp := date(c.ExpiresAt).Time
	return exp, checkLifetime(exp, date(c.IssuedAt), v.now(), v.maxLifetime)
}

// KeptTokens reports the cache of accepted tokens: the calls that found
// their token's decoding kept, those that decoded it, and the tokens
// kept now (at most 1,024).
func (v *Verifier) KeptTokens() (hits, misses uint64, kept int) {
	return v.hits.Load(), v.misses.Load(), v.kept.Len()
}

// decode checks raw's signature, decodes it, and checks what depends on
// the token alone: no crit, dates within range, the scope.
func (v *Verifier) decode(raw string) (decodedToken, error) {
	var t decodedToken
	parsed, err := v.parser.ParseWithClaims(raw, &t.claims, v.keyfunc)
	if err != nil {
		return decodedToken{}, invalidTokenErrorFor(err)
	}
	// jwt ignores crit. RFC 7515 §4.1.11 says a token naming an extension
	// the recipient does not understand is invalid, and this one
	// understands none.
	if _, ok := parsed.Header["crit"]; ok {
		return decodedToken{}, errCrit
	}
	if err := t.claims.checkDates(); err != nil {
		return decodedToken{}, errMalformed
	}
	if t.scopes, err = scopesOf(t.claims.Scope); err != nil {
		return decodedToken{}, errMalformed
	}
	if !slices.Contains(t.scopes, v.scope) {
		return decodedToken{}, errScope
	}
	// The scope is now in t.scopes, and aud is never read: a kept entry
	// holds neither claim.
	t.claims.Scope, t.claims.Audience = nil, nil
	return t, nil
}

// checkLifetime bounds how long a stolen token stays useful; jwt has no
// option for it. The lifetime is counted from iat, which the issuer's own
// clock wrote, else from now, where clock skew earns the leeway.
func checkLifetime(exp time.Time, iat *jwt.NumericDate, now time.Time, maxLifetime time.Duration) error {
	from, limit := now, maxLifetime+leeway
	if iat != nil {
		from, limit = iat.Time, maxLifetime
	}
	if exp.Sub(from) > limit {
		return errLifetime
	}
	return nil
}

func invalidTokenErrorFor(err error) error {
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return errExpired
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return errNotYetValid
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return errLifetime
	// jwt reports an alg outside WithValidMethods as an invalid signature,
	// and a missing or unknown alg as unverifiable.
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return errBadSignature
	default:
		return errMalformed
	}
}

func bearerToken(authorization string) (string, error) {
	authorization = strings.TrimSpace(authorization)
	if authorization == "" {
		return "", errMissing
	}
	scheme, raw, _ := strings.Cut(authorization, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", errMalformed
	}
	raw = strings.TrimLeft(raw, " ")
	if raw == "" {
		return "", errMissing
	}
	if len(raw) > maxTokenLength {
		return "", errMalformed
	}
	return raw, nil
}

// NewFingerprint returns a keyed hash (HMAC-SHA256) for what a deployment
// must recognise again but keeps where others may read it: the
// fingerprint of a keyed call, which covers its passwords and reset
// tokens. A plain hash of a password is tried against candidates offline
// at billions a second; this one cannot be without the key. Its key comes
// from the signing secret, which every instance of a deployment shares,
// and is not the secret itself, so nothing signed with one ever checks
// against the other. A keyed call sent again after the first secret
// changed has another fingerprint, and is refused as a key reused.
func (v *Verifier) NewFingerprint() hash.Hash { return hmac.New(sha256.New, v.fingerprintKey) }

func fingerprintKey(secret []byte) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("customer-service idempotency fingerprint"))
	return mac.Sum(nil)
}
