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

// BenchmarkVerify_Cold is a client presenting a token for the first time:
// HMAC, base64 and JSON decoding on every call.
func BenchmarkVerify_Cold(b *testing.B) {
	v, err := newVerifier([][]byte{secretA}, "api", testMaxLifetime, 0)
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

// BenchmarkVerify_Warm is a client reusing its token: a cache hit.
func BenchmarkVerify_Warm(b *testing.B) {
	v, err := NewVerifier([][]byte{secretA}, "api", testMaxLifetime)
	if err != nil {
		b.Fatal(err)
	}
	h := benchHeader(b)
	if _, err := v.Verify(h); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(h); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify_WarmParallel(b *testing.B) {
	v, err := NewVerifier([][]byte{secretA}, "api", testMaxLifetime)
	if err != nil {
		b.Fatal(err)
	}
	h := benchHeader(b)
	if _, err := v.Verify(h); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := v.Verify(h); err != nil {
				b.Error(err)
				return
			}
		}
	})
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
