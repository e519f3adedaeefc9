// Package compressed is how the stores keep the results of keyed writes:
// Zstandard (klauspost/compress, which the MongoDB driver already builds
// in), fast enough at its default level that a write does not feel it,
// and a third to a tenth of a customer's JSON or BSON.
package compressed

import (
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// maxUnpacked bounds what Unpack makes of its input: well above the
// largest customer a write can leave (50 addresses at their length
// limits, about 0.75 MiB as JSON with escapes), so that a damaged record
// cannot make the service allocate without bound.
const maxUnpacked = 8 << 20

// One encoder and one decoder serve every call: both are safe for
// concurrent use through EncodeAll and DecodeAll, and keep their state
// between calls.
var codec = sync.OnceValues(func() (*zstd.Encoder, *zstd.Decoder) {
	// Entropy coding of every literal block: text of random characters
	// has no repeats to find, but its bytes are far from uniform (UTF-8),
	// which the default level would not exploit (it stores such blocks as
	// they are: 100 % where this gives about 73 %).
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithWindowSize(1<<20),
		zstd.WithAllLitEntropyCompression(true))
	if err != nil {
		panic(err) // the options are constants
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderMaxMemory(maxUnpacked), zstd.WithDecoderConcurrency(0))
	if err != nil {
		panic(err)
	}
	return enc, dec
})

// Pack compresses b.
func Pack(b []byte) []byte {
	enc, _ := codec()
	return enc.EncodeAll(b, make([]byte, 0, len(b)/4))
}

// Unpack is what Pack was given.
func Unpack(p []byte) ([]byte, error) {
	_, dec := codec()
	b, err := dec.DecodeAll(p, nil)
	if err != nil {
		return nil, fmt.Errorf("compressed: %w", err)
	}
	return b, nil
}
