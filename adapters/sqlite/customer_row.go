package sqlite

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/microbase-io/customer-service/adapters/jsonview"
	"github.com/microbase-io/customer-service/domain"
)

// customerColumns are the columns a customer is read from, in scanRow's
// order.
const customerColumns = `id, email, password, first_name, last_name, status, tags, addresses, version, created_at, updated_at`

// row is a customer as the customers table holds it.
type row struct {
	id, email, password, firstName, lastName, status string
	tags, addresses                                  string
	version, createdAt, updatedAt                    int64
}

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface{ Scan(dest ...any) error }

func scanRow(sc scanner) (*domain.Customer, error) {
	var r row
	if err := sc.Scan(&r.id, &r.email, &r.password, &r.firstName, &r.lastName, &r.status,
		&r.tags, &r.addresses, &r.version, &r.createdAt, &r.updatedAt); err != nil {
		return nil, err
	}
	return r.toDomain()
}

func (r row) toDomain() (*domain.Customer, error) {
	var tags []string
	if err := json.Unmarshal([]byte(r.tags), &tags); err != nil {
		return nil, fmt.Errorf("customer %s: tags: %w", r.id, err)
	}
	// The addresses column holds the addresses as the API renders them.
	var stored []jsonview.Address
	if err := json.Unmarshal([]byte(r.addresses), &stored); err != nil {
		return nil, fmt.Errorf("customer %s: addresses: %w", r.id, err)
	}
	return domain.RestoreCustomer(domain.CustomerSnapshot{
		ID:           r.id,
		Email:        r.email,
		PasswordHash: domain.PasswordHash(r.password),
		FirstName:    r.firstName,
		LastName:     r.lastName,
		Status:       r.status,
		Tags:         tags,
		Addresses:    jsonview.ToAddresses(stored),
		Version:      r.version,
		CreatedAt:    fromMillis(r.createdAt),
		UpdatedAt:    fromMillis(r.updatedAt),
	}), nil
}

func toRow(c *domain.Customer) row {
	s := c.Snapshot()
	tags := s.Tags
	if tags == nil {
		tags = []string{}
	}
	return row{
		id: s.ID, email: s.Email, password: string(s.PasswordHash),
		firstName: s.FirstName, lastName: s.LastName, status: s.Status,
		tags: mustJSON(tags), addresses: mustJSON(jsonview.FromAddresses(s.Addresses)),
		version: s.Version, createdAt: s.CreatedAt.UnixMilli(), updatedAt: s.UpdatedAt.UnixMilli(),
	}
}

// mustJSON encodes strings and structs of strings and numbers, which
// always encode.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("sqlite: " + err.Error())
	}
	return string(b)
}

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
