package domain_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/microbase-io/customer-service/domain"
)

// The seed corpora live in testdata/fuzz/<FuzzName>/; plain `go test` runs
// them, `go test -fuzz=FuzzName` explores from them.

func FuzzNormalizeEmail(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := domain.NormalizeEmail(raw)
		if err != nil {
			var ie *domain.InvalidEmailError
			if !errors.As(err, &ie) || ie.Email != raw || got != "" {
				t.Fatalf("NormalizeEmail(%q) = %q, %#v; want only an *InvalidEmailError naming the input", raw, got, err)
			}
			return
		}
		// Nothing but trimming and lower-casing may happen to an accepted
		// email, and only to ASCII: a non-ASCII letter that lower-cases into
		// ASCII is a look-alike getting through.
		trimmed := strings.TrimSpace(raw)
		if want := strings.ToLower(trimmed); got != want || len(got) != len(trimmed) {
			t.Fatalf("NormalizeEmail(%q) = %q, want %q from ASCII input", raw, got, want)
		}
		for i := 0; i < len(got); i++ {
			if c := got[i]; c <= ' ' || c >= 0x7f || 'A' <= c && c <= 'Z' {
				t.Fatalf("NormalizeEmail(%q) = %q holds byte %#x", raw, got, c)
			}
		}
		if len(got) > domain.MaxEmailLength || strings.Count(got, "@") != 1 {
			t.Fatalf("NormalizeEmail(%q) = %q is not one address within the limit", raw, got)
		}
		if again, err := domain.NormalizeEmail(got); err != nil || again != got {
			t.Fatalf("NormalizeEmail is not idempotent on %q: %q, %v", got, again, err)
		}
	})
}

func FuzzNormalizeCountry(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := domain.NormalizeCountry(raw)
		if err != nil {
			var ce *domain.InvalidCountryError
			if !errors.As(err, &ce) || ce.Country != raw || got != "" {
				t.Fatalf("NormalizeCountry(%q) = %q, %#v; want only an *InvalidCountryError naming the input", raw, got, err)
			}
			return
		}
		if len(got) != 2 || got[0] < 'A' || got[0] > 'Z' || got[1] < 'A' || got[1] > 'Z' {
			t.Fatalf("NormalizeCountry(%q) = %q, want two upper-case ASCII letters", raw, got)
		}
		if trimmed := strings.TrimSpace(raw); len(trimmed) != 2 || !strings.EqualFold(trimmed, got) {
			t.Fatalf("NormalizeCountry(%q) = %q is not the ASCII input in another case", raw, got)
		}
		for _, again := range []string{got, strings.ToLower(got)} {
			if v, err := domain.NormalizeCountry(again); err != nil || v != got {
				t.Fatalf("NormalizeCountry(%q) = %q, %v; want %q", again, v, err, got)
			}
		}
	})
}

// present has one bit per field of CustomerChanges, in declaration order;
// tags are comma-separated, and an empty string is the empty list.
func FuzzNewCustomerPatch(f *testing.F) {
	f.Fuzz(func(t *testing.T, email, firstName, lastName, status, tags string, present uint8) {
		// Inputs far past every limit only exercise the length checks, and
		// minimising them takes the engine seconds each, during which it
		// fuzzes nothing.
		if len(email)+len(firstName)+len(lastName)+len(status) > 2048 || len(tags) > 4096 {
			t.Skip()
		}
		ch := domain.CustomerChanges{}
		set := func(bit uint8, v string) *string {
			if present&bit == 0 {
				return nil
			}
			return &v
		}
		ch.Email = set(1, email)
		ch.FirstName = set(2, firstName)
		ch.LastName = set(4, lastName)
		ch.Status = set(8, status)
		if present&16 != 0 {
			list := []string{}
			if tags != "" {
				list = strings.Split(tags, ",")
			}
			ch.Tags = &list
		}

		p, err := domain.NewCustomerPatch(ch)
		if err != nil {
			if !errors.Is(err, domain.ErrValidation) && !errors.As(err, new(*domain.InvalidEmailError)) {
				t.Fatalf("NewCustomerPatch error %#v is neither a validation error nor an invalid email", err)
			}
			if !p.IsEmpty() {
				t.Fatal("a refused patch names fields")
			}
			return
		}

		if p.IsEmpty() != (present&31 == 0) {
			t.Fatalf("IsEmpty() = %v for present = %05b", p.IsEmpty(), present&31)
		}
		// An accepted patch's values pass the same checks again, unchanged.
		var again domain.CustomerChanges
		if v, ok := p.Email(); ok {
			again.Email = &v
		}
		if v, ok := p.FirstName(); ok {
			again.FirstName = &v
		}
		if v, ok := p.LastName(); ok {
			again.LastName = &v
		}
		if v, ok := p.Status(); ok {
			s := v.String()
			again.Status = &s
		}
		if v, ok := p.Tags(); ok {
			if len(v) > domain.MaxTags || len(slices.Compact(slices.Sorted(slices.Values(v)))) != len(v) {
				t.Fatalf("tags %q are too many or repeat", v)
			}
			again.Tags = &v
		}
		if (again.Email != nil) != (ch.Email != nil) || (again.FirstName != nil) != (ch.FirstName != nil) ||
			(again.LastName != nil) != (ch.LastName != nil) || (again.Status != nil) != (ch.Status != nil) ||
			(again.Tags != nil) != (ch.Tags != nil) {
			t.Fatalf("the accessors report other fields than were present (%05b)", present&31)
		}
		q, err := domain.NewCustomerPatch(again)
		if err != nil {
			t.Fatalf("values of an accepted patch fail validation: %v", err)
		}
		if !samePatch(p, q) {
			t.Fatalf("re-validating changed the patch: %+v became %+v", again, q)
		}

		// Applying a patch twice changes the customer at most once.
		c := domain.RestoreCustomer(domain.CustomerSnapshot{ID: "c", Email: "a@b.co", FirstName: "A", LastName: "B"})
		c.Apply(p, created)
		if c.Apply(p, later) {
			t.Fatal("a patch applied twice changed the customer twice")
		}
	})
}

func samePatch(a, b domain.CustomerPatch) bool {
	ae, aok := a.Email()
	be, bok := b.Email()
	af, afok := a.FirstName()
	bf, bfok := b.FirstName()
	al, alok := a.LastName()
	bl, blok := b.LastName()
	as, asok := a.Status()
	bs, bsok := b.Status()
	at, atok := a.Tags()
	bt, btok := b.Tags()
	return ae == be && aok == bok && af == bf && afok == bfok && al == bl && alok == blok &&
		as == bs && asok == bsok && slices.Equal(at, bt) && atok == btok
}

// FuzzCheckID: ids are opaque, so any printable text is one, but nothing
// that could end a C string, hide in surrounding spaces or fill the store.
func FuzzCheckID(f *testing.F) {
	f.Fuzz(func(t *testing.T, id string) {
		err := domain.CheckID("id", id)
		if err != nil {
			var ve *domain.ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Field != "id" {
				t.Fatalf("CheckID(%q) = %#v, want one problem naming id", id, err)
			}
			return
		}
		if id == "" || len(id) > domain.MaxIDLength || !utf8.ValidString(id) || strings.TrimSpace(id) != id ||
			strings.IndexFunc(id, unicode.IsControl) >= 0 {
			t.Fatalf("CheckID accepted %q", id)
		}
	})
}

// FuzzNewAddress: an accepted address holds only trimmed, printable text
// within the limits and a country code, and validating it again changes
// nothing; a refused one names fields under the prefix and nothing else.
func FuzzNewAddress(f *testing.F) {
	f.Fuzz(func(t *testing.T, name, firstName, lastName, address1, address2, postCode, city, state, country, company, instructions string,
		phone int64, hasPhone bool) {
		in := domain.AddressInput{
			Name: name, FirstName: firstName, LastName: lastName, Address1: address1, Address2: address2, PostCode: postCode,
			City: city, State: state, Country: country, Company: company, Instructions: instructions,
		}
		// Past the limits only the length checks run, and shrinking such
		// inputs costs the engine time it could spend fuzzing.
		if len(name+firstName+lastName+address1+address2+postCode+city+state+country+company) > 4096 || len(instructions) > 4096 {
			t.Skip()
		}
		if hasPhone {
			in.Phone = &phone
		}
		a, err := domain.NewAddress("addr-1", in, "addresses[3].")
		if err != nil {
			var ve *domain.ValidationError
			switch {
			case errors.As(err, &ve):
				for _, p := range ve.Problems {
					if !strings.HasPrefix(p.Field, "addresses[3].") || !slices.Contains(addressFields, strings.TrimPrefix(p.Field, "addresses[3].")) {
						t.Fatalf("problem %q names no field of the address", p)
					}
				}
			case !errors.As(err, new(*domain.InvalidCountryError)):
				t.Fatalf("NewAddress error %#v is neither a validation error nor an invalid country", err)
			}
			return
		}
		texts := []struct {
			got, sent string
			max       int
			required  bool
		}{
			{a.Name, name, domain.MaxNameLength, true}, {a.FirstName, firstName, domain.MaxNameLength, true},
			{a.LastName, lastName, domain.MaxNameLength, false}, {a.Address1, address1, domain.MaxTextLength, true},
			{a.Address2, address2, domain.MaxTextLength, false}, {a.PostCode, postCode, domain.MaxTextLength, true},
			{a.City, city, domain.MaxTextLength, true}, {a.State, state, domain.MaxTextLength, true},
			{a.Company, company, domain.MaxTextLength, false}, {a.Instructions, instructions, domain.MaxNoteLength, false},
		}
		for _, tx := range texts {
			if tx.got != strings.TrimSpace(tx.sent) || !utf8.ValidString(tx.got) || utf8.RuneCountInString(tx.got) > tx.max ||
				(tx.required && tx.got == "") || strings.IndexFunc(tx.got, unicode.IsControl) >= 0 {
				t.Fatalf("accepted %q as %q", tx.sent, tx.got)
			}
		}
		if len(a.Country) != 2 || a.Country != strings.ToUpper(a.Country) || !strings.EqualFold(a.Country, strings.TrimSpace(country)) {
			t.Fatalf("accepted country %q as %q", country, a.Country)
		}
		if (a.Phone != nil) != hasPhone || (hasPhone && (*a.Phone != phone || phone < 0)) || a.ID != "addr-1" {
			t.Fatalf("accepted phone %d (%v) as %v, id %q", phone, hasPhone, a.Phone, a.ID)
		}
		again, err := domain.NewAddress(a.ID, domain.AddressInput{
			Name: a.Name, FirstName: a.FirstName, LastName: a.LastName, Address1: a.Address1, Address2: a.Address2, PostCode: a.PostCode,
			City: a.City, State: a.State, Country: a.Country, Company: a.Company, Phone: a.Phone, Instructions: a.Instructions,
		}, "")
		if err != nil || !again.Equal(a) {
			t.Fatalf("validating an accepted address again gave %+v, %v", again, err)
		}
	})
}

var addressFields = []string{"name", "firstName", "lastName", "address_1", "address_2", "postCode", "city", "state", "country",
	"company", "phone", "instructions"}
