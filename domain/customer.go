package domain

import (
	"slices"
	"strconv"
	"time"
)

// Customer is the aggregate: a customer with its embedded addresses. Its
// fields are unexported so that every change goes through a method that
// keeps the rules; RestoreCustomer is the only other way in, for stores.
//
// Slices handed out (by Addresses and Snapshot) are shared with the
// customer and must not be modified; the customer never modifies them in
// place either, it replaces them.
type Customer struct {
	id        string
	email     string
	password  PasswordHash
	firstName string
	lastName  string
	status    Status
	tags      []string
	addresses []Address
	version   int64
	createdAt time.Time
	updatedAt time.Time
}

// NewCustomerInput is a customer as a caller sends it, before validation.
type NewCustomerInput struct {
	Email     string
	Password  string
	FirstName string
	LastName  string
	Status    *string // nil means ACTIVE
	Tags      []string
	Addresses []AddressInput
}

// NewCustomer validates in, hashes the password at the given bcrypt cost
// and returns a customer at version 0 with fresh ids.
func NewCustomer(in NewCustomerInput, bcryptCost int, now time.Time) (*Customer, error) {
	c, err := newCustomer(in, now)
	if err != nil {
		return nil, err
	}
	c.password, err = HashPassword(in.Password, bcryptCost)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// CheckNewCustomer reports every rule the input breaks, as NewCustomer would,
// without the cost of hashing the password.
func CheckNewCustomer(in NewCustomerInput) error {
	_, err := newCustomer(in, time.Time{})
	return err
}

func newCustomer(in NewCustomerInput, now time.Time) (*Customer, error) {
	var p problems
	c := &Customer{
		id:        NewID(),
		status:    StatusActive,
		createdAt: now,
		updatedAt: now,
	}
	var err error
	c.email, err = NormalizeEmail(in.Email)
	p.check("email", err)
	p.check("password", checkPassword(in.Password))
	c.firstName, err = cleanText(in.FirstName, MaxNameLength, true)
	p.check("firstName", err)
	c.lastName, err = cleanText(in.LastName, MaxNameLength, true)
	p.check("lastName", err)
	if in.Status != nil {
		c.status, err = ParseStatus(*in.Status)
		p.check("status", err)
	}
	c.tags, err = NormalizeTags(in.Tags)
	p.check("tags", err)
	c.addresses = newAddresses(nil, in.Addresses, &p)
	return c, p.err()
}

// CustomerSnapshot is every fact about a customer as plain data, for stores
// and for answers. Status is the stored string.
type CustomerSnapshot struct {
	ID           string
	Email        string
	PasswordHash PasswordHash
	FirstName    string
	LastName     string
	Status       string
	Tags         []string
	Addresses    []Address
	Version      int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// RestoreCustomer rebuilds a customer from a store without re-validating:
// stored data was valid when written, and documents written by the Node.js
// service must load even where today's limits are stricter. A status other
// than INACTIVE reads as ACTIVE, the Node.js service's default.
func RestoreCustomer(s CustomerSnapshot) *Customer {
	status := StatusActive
	if s.Status == StatusInactive.s {
		status = StatusInactive
	}
	return &Customer{
		id:        s.ID,
		email:     s.Email,
		password:  s.PasswordHash,
		firstName: s.FirstName,
		lastName:  s.LastName,
		status:    status,
		tags:      s.Tags,
		addresses: s.Addresses,
		version:   s.Version,
		createdAt: s.CreatedAt,
		updatedAt: s.UpdatedAt,
	}
}

// Snapshot returns the customer as plain data.
func (c *Customer) Snapshot() CustomerSnapshot {
	return CustomerSnapshot{
		ID:           c.id,
		Email:        c.email,
		PasswordHash: c.password,
		FirstName:    c.firstName,
		LastName:     c.lastName,
		Status:       c.status.s,
		Tags:         c.tags,
		Addresses:    c.addresses,
		Version:      c.version,
		CreatedAt:    c.createdAt,
		UpdatedAt:    c.updatedAt,
	}
}

func (c *Customer) ID() string                 { return c.id }
func (c *Customer) Email() string              { return c.email }
func (c *Customer) Status() Status             { return c.status }
func (c *Customer) Version() int64             { return c.version }
func (c *Customer) Addresses() []Address       { return c.addresses }
func (c *Customer) UpdatedAt() time.Time       { return c.updatedAt }
func (c *Customer) PasswordHash() PasswordHash { return c.password }

// Apply makes the changes of p and reports whether anything changed. A
// change bumps the version and the update time; no change leaves the
// customer exactly as it was, so a store need not write it.
func (c *Customer) Apply(p CustomerPatch, now time.Time) bool {
	changed := false
	set := func(field *string, value *string) {
		if value != nil && *field != *value {
			*field, changed = *value, true
		}
	}
	set(&c.email, p.email)
	set(&c.firstName, p.firstName)
	set(&c.lastName, p.lastName)
	if p.status != nil && c.status != *p.status {
		c.status, changed = *p.status, true
	}
	if p.tags != nil && !slices.Equal(c.tags, *p.tags) {
		c.tags, changed = *p.tags, true
	}
	if changed {
		c.touch(now)
	}
	return changed
}

// CheckVersion implements compare-and-set: expected is the version the
// caller last saw, nil when it does not care.
func (c *Customer) CheckVersion(expected *int64) error {
	if expected != nil && *expected != c.version {
		return &VersionConflictError{ID: c.id, Expected: *expected, Actual: c.version}
	}
	return nil
}

// AddAddresses validates each input and appends it with a fresh id that no
// address of this customer has. It returns the new addresses.
func (c *Customer) AddAddresses(inputs []AddressInput, now time.Time) ([]Address, error) {
	var p problems
	if len(inputs) == 0 {
		p.add("addresses", "must hold at least one address")
	}
	added := newAddresses(c.addresses, inputs, &p)
	if err := p.err(); err != nil {
		return nil, err
	}
	c.addresses = append(slices.Clip(c.addresses), added...)
	c.touch(now)
	return added, nil
}

// Address returns the address with the given id.
func (c *Customer) Address(id string) (Address, error) {
	if i := c.addressIndex(id); i >= 0 {
		return c.addresses[i], nil
	}
	return Address{}, &AddressNotFoundError{CustomerID: c.id, AddressID: id}
}

// ReplaceAddress validates in and puts it in place of the address with
// that id, keeping the id and the address's position. Replacing an address
// with an equal one changes nothing, as an update that changes nothing
// does, so a store need not write it.
func (c *Customer) ReplaceAddress(id string, in AddressInput, now time.Time) (Address, error) {
	i := c.addressIndex(id)
	if i < 0 {
		return Address{}, &AddressNotFoundError{CustomerID: c.id, AddressID: id}
	}
	a, err := NewAddress(id, in, "address.")
	if err != nil {
		return Address{}, err
	}
	if a.Equal(c.addresses[i]) {
		return a, nil
	}
	c.addresses = slices.Replace(slices.Clone(c.addresses), i, i+1, a)
	c.touch(now)
	return a, nil
}

// RemoveAddress deletes the address with that id.
func (c *Customer) RemoveAddress(id string, now time.Time) error {
	i := c.addressIndex(id)
	if i < 0 {
		return &AddressNotFoundError{CustomerID: c.id, AddressID: id}
	}
	c.addresses = slices.Delete(slices.Clone(c.addresses), i, i+1)
	c.touch(now)
	return nil
}

// Authenticate checks a sign-in attempt. An inactive customer and a wrong
// password fail alike, after the same bcrypt work, so an attacker cannot
// tell an existing inactive account from a wrong guess.
func (c *Customer) Authenticate(password string) error {
	if !c.password.Matches(password) || c.status != StatusActive {
		return ErrBadCredentials
	}
	return nil
}

// SetPassword makes hash the customer's password, a change like any
// other: the old password stops matching at once.
func (c *Customer) SetPassword(hash PasswordHash, now time.Time) {
	c.password = hash
	c.touch(now)
}

func (c *Customer) touch(now time.Time) {
	c.version++
	c.updatedAt = now
}

func (c *Customer) addressIndex(id string) int {
	return slices.IndexFunc(c.addresses, func(a Address) bool { return a.ID == id })
}

// CheckAddressInputs validates addresses a caller wants to add as
// AddAddresses does for a customer without any: the limit of addresses per
// customer needs the customer. A use case calls it to refuse bad input
// before reading the store.
func CheckAddressInputs(inputs []AddressInput) error {
	_, err := new(Customer).AddAddresses(inputs, time.Time{})
	return err
}

// newAddresses validates inputs into addresses whose fresh ids differ from
// every id in existing. The limit is checked here so that creating a
// customer cannot exceed what adding addresses later may not.
func newAddresses(existing []Address, inputs []AddressInput, p *problems) []Address {
	if len(existing)+len(inputs) > MaxAddresses {
		// The addresses are not looked at: naming each one's problems
		// would let a small body of 10,000 empty objects draw megabytes
		// of messages, and the call fails on the count anyway.
		p.add("addresses", "a customer has at most "+strconv.Itoa(MaxAddresses)+" addresses")
		return nil
	}
	if len(inputs) == 0 {
		return nil
	}
	taken := make(map[string]bool, len(existing)+len(inputs))
	for _, a := range existing {
		taken[a.ID] = true
	}
	out := make([]Address, len(inputs))
	for i, in := range inputs {
		id := NewID()
		for taken[id] {
			id = NewID()
		}
		taken[id] = true
		out[i] = validateAddress(id, in, "addresses["+strconv.Itoa(i)+"].", p)
	}
	return out
}
