package token

import (
	"bytes"
	"crypto/sha256"
	"testing"
	"time"
)

// A fingerprint is a keyed hash: the same for every instance that shares
// the signing secret, unlike a plain hash of what it covers, which anyone
// holding a stored fingerprint could test password guesses against.
func TestFingerprintsAreKeyedByTheSigningSecret(t *testing.T) {
	sum := func(secrets ...string) []byte {
		keys := make([][]byte, len(secrets))
		for i, s := range secrets {
			keys[i] = []byte(s)
		}
		v, err := NewVerifier(keys, "api", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		h := v.NewFingerprint()
		h.Write([]byte("customer.changePassword\x00newPassword\x00a-password"))
		return h.Sum(nil)
	}
	const first, second = "first-secret-0123456789-0123456789", "second-secret-0123456789-012345678"
	plain := sha256.Sum256([]byte("customer.changePassword\x00newPassword\x00a-password"))
	tests := []struct {
		name       string
		a, b       []byte
		wantEquals bool
	}{
		{"two instances of one deployment", sum(first), sum(first), true},
		{"another secret added for rotation", sum(first, second), sum(first), true},
		{"another deployment", sum(second), sum(first), false},
		{"a plain SHA-256", sum(first), plain[:], false},
	}
	for _, tt := range tests {
		if got := bytes.Equal(tt.a, tt.b); got != tt.wantEquals {
			t.Errorf("%s: equal = %v, want %v", tt.name, got, tt.wantEquals)
		}
	}
}
