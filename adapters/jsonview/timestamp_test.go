package jsonview_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/jsonview"
)

func TestTimestampReadsRFC3339AndMilliseconds(t *testing.T) {
	want := time.Date(2026, 5, 1, 8, 11, 12, 1_000_000, time.UTC)
	tests := []struct {
		name, json string
		want       time.Time
	}{
		{"as written", `"2026-05-01T08:11:12.001Z"`, want},
		{"with an offset", `"2026-05-01T10:11:12.001+02:00"`, want},
		{"milliseconds since the epoch", `1777623072001`, want},
		{"null", `null`, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got jsonview.Timestamp
			if err := json.Unmarshal([]byte(tt.json), &got); err != nil {
				t.Fatal(err)
			}
			if !time.Time(got).Equal(tt.want) {
				t.Errorf("read %s as %v, want %v", tt.json, time.Time(got), tt.want)
			}
		})
	}
	for _, bad := range []string{`"yesterday"`, `true`, `1.5`, `{}`} {
		var got jsonview.Timestamp
		if err := json.Unmarshal([]byte(bad), &got); err == nil {
			t.Errorf("read %s as %v", bad, time.Time(got))
		}
	}
}
