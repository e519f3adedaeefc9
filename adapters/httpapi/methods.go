package httpapi

import (
	"github.com/microbase-io/customer-service/adapters/jsonview"
	"github.com/microbase-io/customer-service/application"
)

// methods maps each RPC method name to its handler. A method that is not
// here answers 404 unknown_method.
func methods(uc application.Application) map[string]method {
	return map[string]method{
		"micro.ping":      {public: true, handle: microPing},
		"customer.create": {handle: customerCreate(uc.CreateCustomer)},
		"customer.info":   {handle: customerInfo(uc.GetCustomer)},
		"customer.update": {handle: customerUpdate(uc.UpdateCustomer)},
		"customer.remove": {handle: customerRemove(uc.RemoveCustomer)},
		"customer.list":   {handle: customerList(uc.ListCustomers)},

		"customer.checkCredentials": {handle: customerCheckCredentials(uc.CheckCredentials)},

		"customer.address.create": {handle: customerAddressCreate(uc.AddAddresses)},
		"customer.address.info":   {handle: customerAddressInfo(uc.GetAddress)},
		"customer.address.update": {handle: customerAddressUpdate(uc.UpdateAddress)},
		"customer.address.remove": {handle: customerAddressRemove(uc.RemoveAddress)},
	}
}

// requiredStr reads a string argument the method cannot do without.
func requiredStr(args *arguments, name string) string {
	v := args.str(name)
	if v == nil {
		if !args.has(name) {
			args.problem(name, "is required")
		}
		return ""
	}
	return *v
}

// customerPayload is the answer of the methods that return a customer.
type customerPayload struct {
	OK       bool              `json:"ok"`
	Customer jsonview.Customer `json:"customer"`
}

// okPayload is the answer of the methods that return nothing but success.
type okPayload struct {
	OK bool `json:"ok"`
}
