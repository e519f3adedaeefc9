package domain_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

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
			if !errors.Is(err, domain.ErrValidation) && !errors.Is(err, domain.ErrInvalidEmail) {
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
