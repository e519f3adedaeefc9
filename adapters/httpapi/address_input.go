package httpapi

import "github.com/microbase-io/customer-service/domain"

// addressInput is an address as a caller sends it. The domain refuses
// some of its fields empty or absent; the document names them from it
// (requiredAddressFields).
type addressInput struct {
	Name         string `json:"name" doc:"e.g. \"Work\""`
	FirstName    string `json:"firstName"`
	LastName     string `json:"lastName"`
	Address1     string `json:"address_1"`
	Address2     string `json:"address_2"`
	PostCode     string `json:"postCode"`
	City         string `json:"city"`
	State        string `json:"state"`
	Country      string `json:"country" doc:"ISO 3166-1 alpha-2, in any letter case."`
	Company      string `json:"company"`
	Phone        *int64 `json:"phone" doc:"A JSON number, as MicroBase clients send it."`
	Instructions string `json:"instructions"`
}

func (a addressInput) toDomain() domain.AddressInput { return domain.AddressInput(a) }

func addressesToDomain(in []addressInput) []domain.AddressInput {
	if in == nil {
		return nil
	}
	out := make([]domain.AddressInput, len(in))
	for i, a := range in {
		out[i] = a.toDomain()
	}
	return out
}

// addressUpdate is the address argument of customer.address.update: the
// new address, with the id of the one it replaces.
type addressUpdate struct {
	ID *string `json:"id" binding:"required"`
	addressInput
}
