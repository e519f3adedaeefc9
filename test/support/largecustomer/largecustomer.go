// Package largecustomer makes the largest customer the domain's limits
// allow: 50 addresses, every field at its length limit, in characters of
// four bytes each, about 500 KB. Tests and figures use it to measure what
// one write of such a customer makes a store keep.
package largecustomer

import (
	"math/rand/v2"
	"strings"

	"github.com/microbase-io/customer-service/domain"
)

// Text is how the characters of the fields are chosen.
type Text int

const (
	// Random characters from the supplementary planes: about as
	// incompressible as text a client can send.
	Random Text = iota
	// Repeated is one character over and over, as a careless test would
	// make it.
	Repeated
)

func (t Text) String() string {
	if t == Repeated {
		return "one 4-byte character repeated"
	}
	return "random 4-byte characters"
}

// Maker makes the fields; its random characters come from a seeded
// source, so that a run makes what the last one made.
type Maker struct {
	text Text
	r    *rand.Rand
}

// New makes fields of text, seeded with seed.
func New(text Text, seed uint64) *Maker {
	return &Maker{text: text, r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Field is n characters of four bytes each.
func (m *Maker) Field(n int) string {
	if m.text == Repeated {
		return strings.Repeat("𝒜", n)
	}
	var b strings.Builder
	b.Grow(4 * n)
	for range n {
		// Planes 1 to 15: every one of them four bytes in UTF-8, none a
		// control character.
		b.WriteRune(rune(0x10000 + m.r.IntN(0xF0000)))
	}
	return b.String()
}

// Address is an address with every field at its length limit.
func (m *Maker) Address() domain.AddressInput {
	phone := int64(999_999_999_999_999)
	return domain.AddressInput{
		Name: m.Field(domain.MaxNameLength), FirstName: m.Field(domain.MaxNameLength),
		LastName: m.Field(domain.MaxNameLength), Address1: m.Field(domain.MaxTextLength),
		Address2: m.Field(domain.MaxTextLength), PostCode: m.Field(domain.MaxTextLength),
		City: m.Field(domain.MaxTextLength), State: m.Field(domain.MaxTextLength), Country: "US",
		Company: m.Field(domain.MaxTextLength), Phone: &phone, Instructions: m.Field(domain.MaxNoteLength),
	}
}

// Addresses are as many addresses as a customer may have.
func (m *Maker) Addresses() []domain.AddressInput {
	out := make([]domain.AddressInput, domain.MaxAddresses)
	for i := range out {
		out[i] = m.Address()
	}
	return out
}

// Tags are as many tags as a customer may have, each at its length limit.
func (m *Maker) Tags() []string {
	out := make([]string, domain.MaxTags)
	for i := range out {
		// Tags must differ; a repeated character alone would not.
		out[i] = m.Field(domain.MaxTagLength-2) + string(rune('A'+i/26)) + string(rune('a'+i%26))
	}
	return out
}

// Arguments is a as the API takes it.
func Arguments(a domain.AddressInput) map[string]any {
	args := map[string]any{
		"name": a.Name, "firstName": a.FirstName, "lastName": a.LastName, "address_1": a.Address1,
		"address_2": a.Address2, "postCode": a.PostCode, "city": a.City, "state": a.State,
		"country": a.Country, "company": a.Company, "instructions": a.Instructions,
	}
	if a.Phone != nil {
		args["phone"] = *a.Phone
	}
	return args
}
