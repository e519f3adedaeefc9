package httpapi

// methods maps each RPC method name to its handler. A method that is not
// here answers 404 unknown_method.
func methods(uc UseCases) map[string]method {
	return map[string]method{
		"micro.ping":      {public: true, handle: microPing},
		"customer.create": {handle: customerCreate(uc.CreateCustomer)},
		"customer.info":   {handle: customerInfo(uc.GetCustomer)},
		"customer.update": {handle: customerUpdate(uc.UpdateCustomer)},
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
	OK       bool         `json:"ok"`
	Customer customerJSON `json:"customer"`
}
