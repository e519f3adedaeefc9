package main

import (
	"math/rand/v2"
	"strconv"
	"sync/atomic"
)

// change is one customer.update, in the values the service would store
// (already normalised), so the raw driver can write them as they are. A
// nil or empty field is absent.
type change struct {
	FirstName string   `json:"firstName,omitempty"`
	LastName  string   `json:"lastName,omitempty"`
	Status    string   `json:"status,omitempty"`
	Tags      []string `json:"tags,omitempty"`
}

// workload picks the customer and the change of each update. Both targets
// draw from the same workload, so they do the same kinds of work on the
// same customers.
type workload struct {
	ids []string
	seq atomic.Uint64
	// addresses and tags are totals over the seeded customers, for the
	// report.
	addresses, tags int
}

// next returns a customer picked uniformly and a change to it. The changes
// rotate through the kinds a client makes (a name; the tags; a first name
// with the status) and each carries a value never sent before, so every
// update really changes the customer and writes, on both targets alike:
// an update that changes nothing would cost the service a second read and
// the raw driver nothing.
func (w *workload) next(rng *rand.Rand) (string, change) {
	n := w.seq.Add(1)
	id := w.ids[rng.IntN(len(w.ids))]
	suffix := strconv.FormatUint(n, 36)
	switch n % 3 {
	case 0:
		return id, change{LastName: "Smith-" + suffix}
	case 1:
		return id, change{Tags: []string{"VIP", "campaign-" + suffix}}
	default:
		status := "ACTIVE"
		if n/3%2 == 1 {
			status = "INACTIVE"
		}
		return id, change{FirstName: "Ann-" + suffix, Status: status}
	}
}
