package token

import (
	"strings"
	"sync"
	"time"
)

// verifiedCache exists because Verify runs on every request and a client
// normally sends the same token many times: remembering tokens that already
// passed signature, claims and scope checks turns HMAC-SHA256 + base64 + JSON
// decoding into one map lookup. Only the time checks are repeated on a hit, so
// an entry never outlives its token. Entries are only ever added after a full
// verification with the Verifier's own secrets and scope, which are fixed for
// its lifetime, so nothing here can grant more than a fresh check would, and a
// client cannot fill the cache with tokens it could not sign.
//
// It is written here rather than taken from an LRU library because a hit must
// only take a read lock (an LRU reorders, so every hit writes), and eviction
// can be as cheap as dropping an arbitrary entry: the live set of tokens is
// small, and a miss only costs one ordinary verification.
//
// The key is the token itself, not a digest: a map compares keys exactly, so
// no collision argument is needed, and hashing it with SHA-256 would cost
// several times the lookup on every request.
type verifiedCache struct {
	mu      sync.RWMutex
	max     int
	entries map[string]verifiedToken
}

type verifiedToken struct {
	claims    Claims
	notBefore time.Time // zero when the token has no nbf
	issuedAt  time.Time // zero when the token has no iat
}

func newVerifiedCache(max int) *verifiedCache {
	return &verifiedCache{max: max, entries: make(map[string]verifiedToken, max)}
}

func (c *verifiedCache) get(raw string) (verifiedToken, bool) {
	c.mu.RLock()
	t, ok := c.entries[raw]
	c.mu.RUnlock()
	return t, ok
}

func (c *verifiedCache) put(raw string, t verifiedToken) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[raw]; !ok && len(c.entries) >= c.max {
		// Map iteration starts at a random position, so this drops a random
		// entry in constant time.
		for k := range c.entries {
			delete(c.entries, k)
			break
		}
	}
	// Cloned so the entry does not pin the request's larger header string.
	c.entries[strings.Clone(raw)] = t
}

func (c *verifiedCache) remove(raw string) {
	c.mu.Lock()
	delete(c.entries, raw)
	c.mu.Unlock()
}

func (c *verifiedCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}
