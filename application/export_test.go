package application

import "github.com/microbase-io/customer-service/domain"

// WatchPasswordChecks returns uc with seen called after each password
// check, with the customer it was made against, the password as given to
// it and what the check answered, before Handle decides its answer.
func WatchPasswordChecks(uc CheckCredentials, seen func(c *domain.Customer, password string, err error)) CheckCredentials {
	cc := uc.(checkCredentials)
	p := *cc.p
	check := p.authenticate
	p.authenticate = func(c *domain.Customer, password string) error {
		err := check(c, password)
		seen(c, password, err)
		return err
	}
	return checkCredentials{&p}
}

// UnknownEmailsHeld is how many unknown emails the lockout table of app
// holds.
func UnknownEmailsHeld(uc CheckCredentials) int {
	u := uc.(checkCredentials).p.unknown
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.table.Len()
}
