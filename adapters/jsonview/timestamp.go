package jsonview

import "time"

// Layout is how every time is written: UTC with exactly three fractional
// digits, as JavaScript's Date.toISOString writes it (and so the Node.js
// service did), so that times sort as text and every consumer parses them.
const Layout = "2006-01-02T15:04:05.000Z07:00"

// Timestamp is a time written in Layout. A zero Timestamp is left out of
// answers (omitzero): documents written by the Node.js service may lack
// one, and answering year 1 would be wrong.
type Timestamp time.Time

func (t Timestamp) IsZero() bool { return time.Time(t).IsZero() }

func (t Timestamp) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, len(Layout)+2)
	b = append(b, '"')
	b = time.Time(t).UTC().AppendFormat(b, Layout)
	return append(b, '"'), nil
}
