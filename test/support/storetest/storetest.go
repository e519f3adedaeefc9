// Package storetest reads what a store holds straight from its database,
// bypassing the service, as it would be found after every instance is
// gone: the embedded SQLite store's file, or a MongoDB database.
package storetest

import "context"

// Customer is a stored customer as the checks of tests need it.
type Customer struct {
	ID, Email, PasswordHash     string
	FirstName, LastName, Status string
	Tags                        []string
	Version                     int64
	Removed                     bool // a tombstone waiting for its events to be published
}

// Inspector reads a store.
type Inspector interface {
	// Customer returns the customer with that id, a tombstone included; an
	// error when there is none.
	Customer(ctx context.Context, id string) (Customer, error)
	// Customers returns every stored customer, tombstones included.
	Customers(ctx context.Context) ([]Customer, error)
	// Dump renders everything the store holds, in a fixed order: two
	// dumps are equal exactly when nothing was written in between.
	Dump(ctx context.Context) (string, error)
}
