package domain

// CustomerChanges is a partial update as a caller sends it: a nil field is
// absent and keeps its stored value; a non-nil Tags pointing at an empty
// list clears the tags.
type CustomerChanges struct {
	Email     *string
	FirstName *string
	LastName  *string
	Status    *string
	Tags      *[]string
}

// CustomerPatch is a validated CustomerChanges, normalised the way the
// customer stores its values. Only NewCustomerPatch makes one, so a store
// that receives a patch can write it without checking it again.
type CustomerPatch struct {
	email     *string
	firstName *string
	lastName  *string
	status    *Status
	tags      *[]string
}

// NewCustomerPatch checks every present field with the same rules as
// NewCustomer and reports all problems at once.
func NewCustomerPatch(ch CustomerChanges) (CustomerPatch, error) {
	var p problems
	var patch CustomerPatch
	if ch.Email != nil {
		email, err := NormalizeEmail(*ch.Email)
		p.check("email", err)
		patch.email = &email
	}
	name := func(field string, value *string) *string {
		if value == nil {
			return nil
		}
		v, err := cleanText(*value, MaxNameLength, true)
		p.check(field, err)
		return &v
	}
	patch.firstName = name("firstName", ch.FirstName)
	patch.lastName = name("lastName", ch.LastName)
	if ch.Status != nil {
		status, err := ParseStatus(*ch.Status)
		p.check("status", err)
		patch.status = &status
	}
	if ch.Tags != nil {
		tags, err := NormalizeTags(*ch.Tags)
		p.check("tags", err)
		patch.tags = &tags
	}
	if err := p.err(); err != nil {
		return CustomerPatch{}, err
	}
	return patch, nil
}

// IsEmpty reports a patch that names no field; applying it changes nothing.
func (p CustomerPatch) IsEmpty() bool {
	return p.email == nil && p.firstName == nil && p.lastName == nil && p.status == nil && p.tags == nil
}

// The accessors let a store turn the patch into its own update language;
// ok is false for a field the patch leaves alone.

func (p CustomerPatch) Email() (string, bool)     { return deref(p.email) }
func (p CustomerPatch) FirstName() (string, bool) { return deref(p.firstName) }
func (p CustomerPatch) LastName() (string, bool)  { return deref(p.lastName) }
func (p CustomerPatch) Status() (Status, bool)    { return deref(p.status) }
func (p CustomerPatch) Tags() ([]string, bool)    { return deref(p.tags) }

func deref[T any](v *T) (T, bool) {
	if v == nil {
		var zero T
		return zero, false
	}
	return *v, true
}
