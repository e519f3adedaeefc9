package token

import "errors"

// ErrInvalidToken is matched (errors.Is) by every error Verify returns; the
// HTTP edge answers all of them alike with 401 invalid_token.
var ErrInvalidToken = errors.New("invalid token")

// Reason says why a token was refused. The set is small and fixed so it can be
// a metrics label; it never carries any part of the token.
type Reason string

const (
	ReasonMissing      Reason = "missing"       // no Authorization header, or "Bearer" with no token
	ReasonMalformed    Reason = "malformed"     // not a Bearer header, or not a decodable JWT
	ReasonBadSignature Reason = "bad_signature" // signature does not verify, or an alg other than HS256
	ReasonExpired      Reason = "expired"       // exp is past (beyond the leeway)
	ReasonNotYetValid  Reason = "not_yet_valid" // nbf or iat is ahead (beyond the leeway)
	ReasonLifetime     Reason = "lifetime"      // no exp, or exp further from iat (or now) than the maximum lifetime
	ReasonCrit         Reason = "crit"          // the header has a crit member: an extension this service does not understand
	ReasonScope        Reason = "scope"         // the scope claim lacks the required scope
)

// Reasons are every Reason Verify gives, for a metric to count from zero.
func Reasons() []Reason {
	return []Reason{ReasonMissing, ReasonMalformed, ReasonBadSignature, ReasonExpired, ReasonNotYetValid,
		ReasonLifetime, ReasonCrit, ReasonScope}
}

// invalidTokenError deliberately holds no cause: the library's messages can
// quote bytes of the token (JSON syntax errors name the offending character).
type invalidTokenError struct {
	reason Reason
	msg    string
}

func (e *invalidTokenError) Error() string        { return e.msg }
func (e *invalidTokenError) Is(target error) bool { return target == ErrInvalidToken }

func newInvalidTokenError(r Reason) *invalidTokenError {
	return &invalidTokenError{reason: r, msg: "invalid token: " + string(r)}
}

// One value per reason, built once, so refusing a flood of bad tokens costs no
// allocation.
var (
	errMissing      = newInvalidTokenError(ReasonMissing)
	errMalformed    = newInvalidTokenError(ReasonMalformed)
	errBadSignature = newInvalidTokenError(ReasonBadSignature)
	errExpired      = newInvalidTokenError(ReasonExpired)
	errNotYetValid  = newInvalidTokenError(ReasonNotYetValid)
	errLifetime     = newInvalidTokenError(ReasonLifetime)
	errCrit         = newInvalidTokenError(ReasonCrit)
	errScope        = newInvalidTokenError(ReasonScope)
)

// ReasonOf returns why Verify refused a token, or "" when err did not come
// from Verify.
func ReasonOf(err error) Reason {
	var e *invalidTokenError
	if errors.As(err, &e) {
		return e.reason
	}
	return ""
}
