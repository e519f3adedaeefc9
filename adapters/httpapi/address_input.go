package httpapi

import "github.com/microbase-io/customer-service/domain"

// addressInputJSON is an address as a caller sends it. Phone is a JSON
// number, as MicroBase clients send it.
type addressInputJSON struct {
	Name         string `json:"name"`
	FirstName    string `json:"firstName"`
	LastName     string `json:"lastName"`
	Address1     string `json:"address_1"`
	Address2     string `json:"address_2"`
	PostCode     string `json:"postCode"`
	City         string `json:"city"`
	State        string `json:"state"`
	Country      string `json:"country"`
	Company      string `json:"company"`
	Phone        *int64 `json:"phone"`
	Instructions string `json:"instructions"`
}

func (a addressInputJSON) toDomain() domain.AddressInput { return domain.AddressInput(a) }
