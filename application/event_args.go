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

func updatedArgs(id string, p domain.CustomerPatch) map[string]any {
	args := map[string]any{"id": id}
	if v, ok := p.Email(); ok {
		args["email"] = v
	}
	if v, ok := p.FirstName(); ok {
		args["firstName"] = v
	}
	if v, ok := p.LastName(); ok {
		args["lastName"] = v
	}
	if v, ok := p.Status(); ok {
		args["status"] = v.String()
	}
	if v, ok := p.Tags(); ok {
		args["tags"] = nonNilTags(v)
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
