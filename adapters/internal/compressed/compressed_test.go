package compressed_test

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/microbase-io/customer-service/adapters/internal/compressed"
)

// randomText is n characters of 4 bytes each, drawn at random from the
// supplementary planes: text that compresses about as badly as any a
// customer can hold.
func randomText(n int) string {
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for range n {
		b.WriteRune(rune(0x10000 + r.IntN(0xFFFFF-0x10000)))
	}
	return b.String()
}

func TestWhatIsPackedUnpacksByteForByte(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"a small customer", []byte(`{"id":"Z7Mk2BbuGGAwyCdOFebYxw","email":"john.doe@gmail.com","firstName":"John"}`)},
		{"one 4-byte character repeated", []byte(strings.Repeat("𝒜", 125_000))},
		{"random 4-byte characters", []byte(randomText(125_000))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := compressed.Pack(tt.in)
			got, err := compressed.Unpack(p)
			if err != nil || !bytes.Equal(got, tt.in) {
				t.Fatalf("unpacked %d bytes (%v), want the %d packed", len(got), err, len(tt.in))
			}
			t.Logf("%d bytes packed in %d", len(tt.in), len(p))
		})
	}
}

// What a record costs is what it packs to: a hundredth for repetitive
// text, and still less than the input for text of random characters.
func TestTextPacksSmaller(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		ratio float64
	}{
		{"one 4-byte character repeated", strings.Repeat("𝒜", 125_000), 0.01},
		{"random 4-byte characters", randomText(125_000), 0.8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !utf8.ValidString(tt.in) {
				t.Fatal("the input is not text")
			}
			if p := compressed.Pack([]byte(tt.in)); float64(len(p)) > tt.ratio*float64(len(tt.in)) {
				t.Fatalf("%d bytes packed in %d, want at most %.0f %%", len(tt.in), len(p), 100*tt.ratio)
			}
		})
	}
}

func TestADamagedRecordIsAnError(t *testing.T) {
	p := compressed.Pack([]byte(randomText(1000)))
	if _, err := compressed.Unpack(p[:len(p)/2]); err == nil {
		t.Fatal("a truncated record unpacked")
	}
	p[len(p)/2] ^= 0xff
	if _, err := compressed.Unpack(p); err == nil {
		t.Fatal("a record with a byte changed unpacked")
	}
	if _, err := compressed.Unpack([]byte("not zstd at all")); err == nil {
		t.Fatal("garbage unpacked")
	}
}
