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

func benchVerifier(b *testing.B, secret []byte) *Verifier {
	v, err := NewVerifier([][]byte{secret}, "api", testMaxLifetime)
	if err != nil {
		b.Fatal(err)
	}
	return v
}

// BenchmarkVerify is a client presenting its token again: its decoding
// is kept, the checks against the clock and the scope run.
func BenchmarkVerify(b *testing.B) {
	v, h := benchVerifier(b, secretA), benchHeader(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(h); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify_Decoded is every call bringing a token not kept (more
// of them than are kept, in turn): HMAC, base64 and JSON decoding each
// time.
func BenchmarkVerify_Decoded(b *testing.B) {
	v := benchVerifier(b, secretA)
	headers := make([]string, 2*keptTokens)
	for i := range headers {
		headers[i] = benchHeader(b)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := v.Verify(headers[i%len(headers)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkVerify_Refused is a flood of tokens signed with another secret.
func BenchmarkVerify_Refused(b *testing.B) {
	v, h := benchVerifier(b, otherSecret), benchHeader(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(h); err == nil {
			b.Fatal("accepted")
		}
	}
}
