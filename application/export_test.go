package application

import "github.com/microbase-io/customer-service/domain"

// WatchPasswordChecks returns uc with seen called on the customer each
// password is checked against, before the check runs.
func WatchPasswordChecks(uc CheckCredentials, seen func(*domain.Customer)) CheckCredentials {
	cc := uc.(checkCredentials)
	check := cc.authenticate
	cc.authenticate = func(c *domain.Customer, password string) error {
		seen(c)
		return check(c, password)
	}
	return cc
}
