package token

import (
	"bytes"
	"errors"
	"fmt"
)

// MinSecretBytes is the shortest secret that may sign or verify a token.
// RFC 7518 §3.2 requires an HS256 key at least as long as the hash, 256
// bits. A short secret is most often a word someone typed, which trying
// candidates against a single token finds offline; found, it signs any
// token.
const MinSecretBytes = 32

// ErrBlankSecret is a secret of nothing but white space, which usually
// means one left empty by mistake rather than chosen.
var ErrBlankSecret = errors.New("a token secret must not be blank")

// CheckSecret reports whether secret is fit to sign and verify tokens.
// Its errors say why and never quote the secret.
func CheckSecret(secret []byte) error {
	if len(bytes.TrimSpace(secret)) == 0 {
		return ErrBlankSecret
	}
	if len(secret) < MinSecretBytes {
		return fmt.Errorf("a token secret must hold at least %d bytes, not %d", MinSecretBytes, len(secret))
	}
	return nil
}
