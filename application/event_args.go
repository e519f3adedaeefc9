package application

import "github.com/microbase-io/customer-service/domain"

// The arguments carried by events use the names of the MicroBase API, so
// a consumer reads them as the Node.js service sent them.

func createdArgs(c *domain.Customer) map[string]any {
	s := c.Snapshot()
	return map[string]any{
		"email": s.Email, "firstName": s.FirstName, "lastName": s.LastName,
		"status": s.Status, "tags": nonNilTags(s.Tags), "addresses": addressesArgs(s.Addresses),
	}
}

// updatedEventArgs is a struct rather than a map because customer.update
// is the hot path: encoding a struct costs a fraction of a map's
// allocations. Absent fields are left out.
type updatedEventArgs struct {
	ID        string    `json:"id"`
	Email     *string   `json:"email,omitempty"`
	FirstName *string   `json:"firstName,omitempty"`
	LastName  *string   `json:"lastName,omitempty"`
	Status    *string   `json:"status,omitempty"`
	Tags      *[]string `json:"tags,omitempty"`
}

func updatedArgs(id string, p domain.CustomerPatch) updatedEventArgs {
	// One block holds every value the pointers point at: one allocation
	// however many fields the update names.
	var v struct {
		email, firstName, lastName, status string
		tags                               []string
	}
	args := updatedEventArgs{ID: id}
	var ok bool
	if v.email, ok = p.Email(); ok {
		args.Email = &v.email
	}
	if v.firstName, ok = p.FirstName(); ok {
		args.FirstName = &v.firstName
	}
	if v.lastName, ok = p.LastName(); ok {
		args.LastName = &v.lastName
	}
	if status, ok := p.Status(); ok {
		v.status = status.String()
		args.Status = &v.status
	}
	if v.tags, ok = p.Tags(); ok {
		v.tags = nonNilTags(v.tags)
		args.Tags = &v.tags
	}
	return args
}

func nonNilTags(tags []string) []string {
	if tags == nil {
		return []string{}
	}
	return tags
}

func addressesArgs(addresses []domain.Address) []map[string]any {
	out := make([]map[string]any, len(addresses))
	for i, a := range addresses {
		out[i] = addressArgs(a)
	}
	return out
}

func addressArgs(a domain.Address) map[string]any {
	m := map[string]any{
		"id": a.ID, "name": a.Name, "firstName": a.FirstName, "address_1": a.Address1,
		"postCode": a.PostCode, "city": a.City, "state": a.State, "country": a.Country,
	}
	optional := map[string]string{
		"lastName": a.LastName, "address_2": a.Address2, "company": a.Company, "instructions": a.Instructions,
	}
	for k, v := range optional {
		if v != "" {
			m[k] = v
		}
	}
	if a.Phone != nil {
		m["phone"] = *a.Phone
	}
	return m
}
