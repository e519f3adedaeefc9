package domain

// AddressInput is an address as a caller sends it, before validation:
// every field of an address but its id, which NewAddress gives it.
type AddressInput struct {
	Name         string
	FirstName    string
	LastName     string
	Address1     string
	Address2     string
	PostCode     string
	City         string
	State        string
	Country      string
	Company      string
	Phone        *int64
	Instructions string
}

// Address is a postal address embedded in a customer: a validated
// AddressInput and its id. It is a value: it is replaced as a whole, never
// edited field by field.
type Address struct {
	AddressInput
	ID string
}

// Equal reports whether a and b hold the same values (Phone is compared
// by value, not by pointer).
func (a Address) Equal(b Address) bool {
	phoneA, phoneB := a.Phone, b.Phone
	a.Phone, b.Phone = nil, nil
	if a != b {
		return false
	}
	if phoneA == nil || phoneB == nil {
		return phoneA == phoneB
	}
	return *phoneA == *phoneB
}

// NewAddress validates in and returns the address with the given id.
// Problems are reported against field names prefixed with prefix (for
// example "addresses[1].city"), so a caller sending several addresses knows
// which one is wrong.
func NewAddress(id string, in AddressInput, prefix string) (Address, error) {
	var p problems
	a := validateAddress(id, in, prefix, &p)
	if err := p.err(); err != nil {
		return Address{}, err
	}
	return a, nil
}

func validateAddress(id string, in AddressInput, prefix string, p *problems) Address {
	text := func(field, value string, max int, required bool) string {
		v, err := cleanText(value, max, required)
		p.check(prefix+field, err)
		return v
	}
	a := Address{ID: id, AddressInput: AddressInput{
		Name:         text("name", in.Name, MaxNameLength, true),
		FirstName:    text("firstName", in.FirstName, MaxNameLength, true),
		LastName:     text("lastName", in.LastName, MaxNameLength, false),
		Address1:     text("address_1", in.Address1, MaxTextLength, true),
		Address2:     text("address_2", in.Address2, MaxTextLength, false),
		PostCode:     text("postCode", in.PostCode, MaxTextLength, true),
		City:         text("city", in.City, MaxTextLength, true),
		State:        text("state", in.State, MaxTextLength, true),
		Company:      text("company", in.Company, MaxTextLength, false),
		Instructions: text("instructions", in.Instructions, MaxNoteLength, false),
	}}
	if in.Phone != nil {
		if *in.Phone < 0 || *in.Phone > maxPhone {
			p.add(prefix+"phone", "must be a number of at most 15 digits")
		}
		a.Phone = new(*in.Phone)
	}
	country, err := cleanText(in.Country, MaxTextLength, true)
	if err == nil {
		a.Country, err = NormalizeCountry(country)
	}
	p.check(prefix+"country", err)
	return a
}
