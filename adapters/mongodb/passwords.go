package mongodb

import (
	"cmp"
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// A customer's failed sign-ins ("login") and its reset token
// ("passwordToken", the token's hash) live in its document, so that each
// change of them is one single-document write, the only atomic step
// MongoDB offers without transactions, and FerretDB none other:
//   - an attempt is counted by a compare-and-set on the count and the
//     time it started from, read again and retried when another attempt
//     was counted in between;
//   - a reset finds the customer by the token's hash (a unique, sparse
//     index: only documents with a token are in it) and writes the new
//     hash under a filter that the token is still there and live and the
//     version the same, unsetting the token in the same update, so that
//     of two resets with one token exactly one matches;
//   - a rehash is conditional on the old hash.
// Tokens expire by their time, checked in every filter that uses them,
// not by a TTL index (FerretDB has none): a dead token stays until a
// newer one or a password change replaces it.

type loginDocument struct {
	Failures    int       `bson:"failures"`
	Since       time.Time `bson:"since"`
	LockedUntil time.Time `bson:"lockedUntil"`
}

type tokenDocument struct {
	Hash      string    `bson:"hash"`
	ExpiresAt time.Time `bson:"expiresAt"`
}

// passwordDocument is a customer read with what its password needs, and
// its keys when a keyed write asked for them.
type passwordDocument struct {
	Customer customerDocument `bson:",inline"`
	Login    *loginDocument   `bson:"login"`
	Token    *tokenDocument   `bson:"passwordToken"`
	Keys     []keyDocument    `bson:"keys"`
}

func (d *passwordDocument) attempts() domain.LoginAttempts {
	if d.Login == nil || d.Login.Failures == 0 {
		return domain.LoginAttempts{}
	}
	return domain.LoginAttempts{Failures: d.Login.Failures, Since: d.Login.Since.UTC(), LockedUntil: d.Login.LockedUntil.UTC()}
}

// loginIs matches the document whose attempts are a, as read.
func loginIs(a domain.LoginAttempts) bson.D {
	if a.Failures == 0 {
		return bson.D{{Key: "login.failures", Value: bson.D{{Key: "$exists", Value: false}}}}
	}
	return bson.D{{Key: "login.failures", Value: a.Failures}, {Key: "login.since", Value: a.Since}}
}

// passwordChanged forgets the token and the failed sign-ins.
var passwordChanged = bson.E{Key: "$unset", Value: bson.D{{Key: "login", Value: ""}, {Key: "passwordToken", Value: ""}}}

// readLogin reads the failed sign-ins alone.
var readLogin = options.FindOne().SetProjection(bson.D{{Key: "login", Value: 1}, {Key: "removed", Value: 1}})

func (r *Repository) LoginAttempts(ctx context.Context, id string) (domain.LoginAttempts, error) {
	a, _, err := r.loginOf(ctx, id)
	return a, err
}

// loginOf reads the customer's failed sign-ins, and whether the customer
// exists.
func (r *Repository) loginOf(ctx context.Context, id string) (domain.LoginAttempts, bool, error) {
	var doc passwordDocument
	err := r.coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, readLogin).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) || (err == nil && doc.Customer.Removed) {
		return domain.LoginAttempts{}, false, nil
	}
	if err != nil {
		return domain.LoginAttempts{}, false, translate(err, "")
	}
	return doc.attempts(), true, nil
}

func (r *Repository) CountLoginAttempt(ctx context.Context, id string, rule domain.LockoutRule, now time.Time) (domain.LoginAttempts, bool, error) {
	for {
		a, exists, err := r.loginOf(ctx, id)
		if err != nil || !exists {
			return domain.LoginAttempts{}, false, cmp.Or(err, error(&domain.CustomerNotFoundError{ID: id}))
		}
		if _, locked := a.LockedOut(now); locked {
			return a, false, nil
		}
		next := rule.Fail(a, now)
		filter := append(bson.D{{Key: "_id", Value: id}, notRemoved}, loginIs(a)...)
		res, err := r.coll.UpdateOne(ctx, filter, bson.D{{Key: "$set", Value: bson.D{{Key: "login", Value: loginDocument(next)}}}})
		if err != nil {
			return domain.LoginAttempts{}, false, r.writeError(err, "")
		}
		if res.MatchedCount == 1 {
			return next, true, nil
		}
		// Another attempt was counted in between: count on top of it.
		if err := ctx.Err(); err != nil {
			return domain.LoginAttempts{}, false, translate(err, "")
		}
	}
}

func (r *Repository) ClearLoginAttempts(ctx context.Context, id string) error {
	_, err := r.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "login", Value: bson.D{{Key: "$exists", Value: true}}}},
		bson.D{{Key: "$unset", Value: bson.D{{Key: "login", Value: ""}}}})
	return r.writeError(err, "")
}

func (r *Repository) Rehash(ctx context.Context, id string, old, new domain.PasswordHash) (bool, error) {
	res, err := r.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, notRemoved, {Key: "password", Value: string(old)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "password", Value: string(new)}}}})
	if err != nil {
		return false, r.writeError(err, "")
	}
	return res.MatchedCount == 1, nil
}

// SetPassword is Update's read-decide-write, under the version read.
func (r *Repository) SetPassword(ctx context.Context, id string, key application.IdempotencyKey, change func(*domain.Customer) (application.NewEvent, error)) (*domain.Customer, error) {
	return r.readDecideWrite(ctx, id, key, change, passwordFields, bson.D{passwordChanged})
}

func (r *Repository) ResetPassword(ctx context.Context, tokenHash string, now time.Time, key application.IdempotencyKey, change func(*domain.Customer) (application.NewEvent, error)) (*domain.Customer, error) {
	for {
		if first, done, err := r.Replay(ctx, key); done {
			return first, err
		}
		var doc passwordDocument
		err := r.coll.FindOne(ctx, bson.D{{Key: "passwordToken.hash", Value: tokenHash}}, withKeys).Decode(&doc)
		switch {
		case errors.Is(err, mongo.ErrNoDocuments) || (err == nil && (doc.Customer.Removed || doc.Token == nil || !now.Before(doc.Token.ExpiresAt))):
			return nil, domain.ErrPasswordTokenInvalid
		case err != nil:
			return nil, translate(err, "")
		}
		tokenLive := bson.D{
			{Key: "passwordToken.hash", Value: tokenHash},
			{Key: "passwordToken.expiresAt", Value: bson.D{{Key: "$gt", Value: now}}},
		}
		c, written, err := r.writeChange(ctx, doc.Customer.toDomain(), doc.Keys, key, change, passwordFields, tokenLive, bson.D{passwordChanged})
		if err != nil || written {
			return c, err
		}
	}
}

// passwordFields are the fields a password write sets; passwordChanged
// goes with them.
func passwordFields(doc customerDocument) bson.D {
	return bson.D{
		{Key: "password", Value: doc.Password},
		{Key: "version", Value: doc.Version},
		{Key: "updatedAt", Value: doc.UpdatedAt},
	}
}

func (r *Repository) SavePasswordToken(ctx context.Context, id string, t domain.PasswordToken) error {
	res, err := r.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, notRemoved},
		bson.D{{Key: "$set", Value: bson.D{{Key: "passwordToken", Value: tokenDocument(t)}}}})
	if err != nil {
		return r.writeError(err, "")
	}
	if res.MatchedCount == 0 {
		return &domain.CustomerNotFoundError{ID: id}
	}
	return nil
}

func (r *Repository) FindPasswordToken(ctx context.Context, tokenHash string, now time.Time) (*domain.Customer, error) {
	var doc passwordDocument
	err := r.coll.FindOne(ctx, bson.D{{Key: "passwordToken.hash", Value: tokenHash}}, readCustomer).Decode(&doc)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments) || (err == nil && (doc.Customer.Removed || doc.Token == nil || !now.Before(doc.Token.ExpiresAt))):
		return nil, domain.ErrPasswordTokenInvalid
	case err != nil:
		return nil, translate(err, "")
	}
	return doc.Customer.toDomain(), nil
}

// Replay finds the document that holds key's record by the index on the
// keys' scopes.
func (r *Repository) Replay(ctx context.Context, key application.IdempotencyKey) (*domain.Customer, bool, error) {
	if !key.Set() {
		return nil, false, nil
	}
	var doc keyedDocument
	err := r.coll.FindOne(ctx, bson.D{{Key: "keys.scope", Value: key.Scope}}, withKeys).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, translate(err, "")
	}
	return replay(doc.Keys, key)
}
