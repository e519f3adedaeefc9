package jsonview

import (
	"encoding/json"
	"fmt"
	"time"
)

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

// UnmarshalJSON reads a time in RFC 3339 (Layout among them), or a number
// of milliseconds since the epoch, as JavaScript's Date.getTime gives it;
// null leaves t as it is.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var ms int64
	if err := json.Unmarshal(b, &ms); err == nil {
		*t = Timestamp(time.UnixMilli(ms))
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("jsonview: a time is a string or a number of milliseconds, not %.40s", b)
	}
	parsed, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("jsonview: %w", err)
	}
	*t = Timestamp(parsed)
	return nil
}

// utc is t as a time in UTC.
func (t Timestamp) utc() time.Time { return time.Time(t).UTC() }
