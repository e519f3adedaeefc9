package token

import (
	"testing"
	"time"
)

func benchHeader(b *testing.B) string {
	iss, err := NewIssuer(secretA, "microbase")
	if err != nil {
		b.Fatal(err)
	}
	tok, err := iss.Issue("service-a", []string{"read", "api"}, time.Hour, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	return "Bearer " + tok
}

// BenchmarkVerify is a client presenting its token:
// HMAC, base64 and JSON decoding on every call.
func BenchmarkVerify(b *testing.B) {
	v, err := NewVerifier([][]byte{secretA}, "api", testMaxLifetime)
	if err != nil {
		b.Fatal(err)
	}
	h := benchHeader(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(h); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify_Refused is a flood of tokens signed with another secret.
func BenchmarkVerify_Refused(b *testing.B) {
	v, err := NewVerifier([][]byte{otherSecret}, "api", testMaxLifetime)
	if err != nil {
		b.Fatal(err)
	}
	h := benchHeader(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(h); err == nil {
			b.Fatal("accepted")
		}
	}
}
