package application

// Application is every use case of the service: the one list the wiring
// builds and the HTTP adapter routes.
type Application struct {
	CreateCustomer      CreateCustomer
	GetCustomer         GetCustomer
	UpdateCustomer      UpdateCustomer
	RemoveCustomer      RemoveCustomer
	ListCustomers       ListCustomers
	CheckCredentials    CheckCredentials
	ChangePassword      ChangePassword
	CreatePasswordToken CreatePasswordToken
	ResetPassword       ResetPassword
	AddAddresses        AddAddresses
	GetAddress          GetAddress
	UpdateAddress       UpdateAddress
	RemoveAddress       RemoveAddress
}

// New builds every use case over repo with settings; those that hash
// or check a password share one set of bcrypt slots.
func New(repo CustomerRepository, clock Clock, settings Settings) (Application, error) {
	p, err := newPasswords(repo, clock, settings)
	if err != nil {
		return Application{}, err
	}
	return Application{
		CreateCustomer:      createCustomer{p},
		GetCustomer:         NewGetCustomer(repo),
		UpdateCustomer:      NewUpdateCustomer(repo, clock),
		RemoveCustomer:      NewRemoveCustomer(repo, clock),
		ListCustomers:       NewListCustomers(repo),
		CheckCredentials:    checkCredentials{p},
		ChangePassword:      changePassword{p},
		CreatePasswordToken: createPasswordToken{p},
		ResetPassword:       resetPassword{p},
		AddAddresses:        NewAddAddresses(repo, clock),
		GetAddress:          NewGetAddress(repo),
		UpdateAddress:       NewUpdateAddress(repo, clock),
		RemoveAddress:       NewRemoveAddress(repo, clock),
	}, nil
}

// Every command and query has an Unread field: the arguments the caller
// sent that an adapter could not read, absent where required or of the
// wrong type. A use case answers them together with every rule the other
// arguments break (domain.WithUnread), and does nothing else, so one answer
// names every bad argument and the rules have one owner.
