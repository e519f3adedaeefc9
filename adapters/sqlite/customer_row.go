package sqlite

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/microbase-io/customer-service/domain"
)

// customerColumns are the columns a customer is read from, in scanRow's
// order.
const customerColumns = `id, email, password, first_name, last_name, status, tags, addresses, version, created_at, updated_at`

// addressJSON is an address as the addresses column stores it, with the
// field names of the MicroBase API and of the MongoDB documents. The
// stored form is the store's own, apart from the answers' (jsonview), so
// that neither changes with the other.
type addressJSON struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	FirstName    string `json:"firstName"`
	LastName     string `json:"lastName,omitempty"`
	Address1     string `json:"address_1"`
	Address2     string `json:"address_2,omitempty"`
	PostCode     string `json:"postCode"`
	City         string `json:"city"`
	State        string `json:"state"`
	Country      string `json:"country"`
	Company      string `json:"company,omitempty"`
	Phone        *int64 `json:"phone,omitempty"`
	Instructions string `json:"instructions,omitempty"`
}

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
	var stored []addressJSON
	if err := json.Unmarshal([]byte(r.addresses), &stored); err != nil {
		return nil, fmt.Errorf("customer %s: addresses: %w", r.id, err)
	}
	addresses := addressesFromJSON(stored)
	return domain.RestoreCustomer(domain.CustomerSnapshot{
		ID:           r.id,
		Email:        r.email,
		PasswordHash: domain.PasswordHash(r.password),
		FirstName:    r.firstName,
		LastName:     r.lastName,
		Status:       r.status,
		Tags:         tags,
		Addresses:    addresses,
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
	addresses := addressesToJSON(s.Addresses)
	return row{
		id: s.ID, email: s.Email, password: string(s.PasswordHash),
		firstName: s.FirstName, lastName: s.LastName, status: s.Status,
		tags: mustJSON(tags), addresses: mustJSON(addresses),
		version: s.Version, createdAt: s.CreatedAt.UnixMilli(), updatedAt: s.UpdatedAt.UnixMilli(),
	}
}

func addressesToJSON(addresses []domain.Address) []addressJSON {
	out := make([]addressJSON, len(addresses))
	for i, a := range addresses {
		out[i] = addressJSON(a)
	}
	return out
}

func addressesFromJSON(addresses []addressJSON) []domain.Address {
	out := make([]domain.Address, len(addresses))
	for i, a := range addresses {
		out[i] = domain.Address(a)
	}
	return out
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
