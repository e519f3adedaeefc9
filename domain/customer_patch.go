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
	name := func(v string) (string, error) { return cleanText(v, MaxNameLength, true) }
	var patch CustomerPatch
	patch.email = checkPresent(&p, "email", ch.Email, NormalizeEmail)
	patch.firstName = checkPresent(&p, "firstName", ch.FirstName, name)
	patch.lastName = checkPresent(&p, "lastName", ch.LastName, name)
	patch.status = checkPresent(&p, "status", ch.Status, ParseStatus)
	patch.tags = checkPresent(&p, "tags", ch.Tags, NormalizeTags)
	if err := p.err(); err != nil {
		return CustomerPatch{}, err
	}
	return patch, nil
}

// checkPresent is check applied to a field the caller gave, its problem
// recorded under field; nil for a field left out.
func checkPresent[T, V any](p *problems, field string, value *T, check func(T) (V, error)) *V {
	if value == nil {
		return nil
	}
	v, err := check(*value)
	p.check(field, err)
	return &v
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
