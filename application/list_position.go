package application

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/microbase-io/customer-service/domain"
)

// ListPosition is a place in the list order (creation time, then id):
// just after the customer created at CreatedAt whose id is ID. A list
// that starts after a position meets every customer after it, however
// many customers come before, so a page deep in the list costs what the
// first one costs.
type ListPosition struct {
	CreatedAt time.Time
	ID        string
}

// positionOf is the place of c in the list order.
func positionOf(c *domain.Customer) ListPosition {
	return ListPosition{CreatedAt: c.Snapshot().CreatedAt, ID: c.ID()}
}

// Cursor is p as a client carries it: opaque and URL-safe. Times are
// kept to the millisecond, as both stores keep them.
func (p ListPosition) Cursor() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(p.CreatedAt.UnixMilli(), 10) + "." + p.ID))
}

// parseCursor reads a Cursor; false for anything no Cursor gave.
func parseCursor(cursor string) (ListPosition, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return ListPosition{}, false
	}
	millis, id, found := strings.Cut(string(raw), ".")
	ms, err := strconv.ParseInt(millis, 10, 64)
	if !found || err != nil || domain.CheckID("after", id) != nil {
		return ListPosition{}, false
	}
	return ListPosition{CreatedAt: time.UnixMilli(ms).UTC(), ID: id}, true
}
