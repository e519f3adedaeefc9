package domain

import "golang.org/x/crypto/bcrypt"

// PasswordHash is a bcrypt hash; the plain password is never kept.
type PasswordHash string

// HashPassword checks the password policy (8 to 72 bytes: bcrypt reads no
// further than 72, so a longer password would silently match any other with
// the same prefix) and hashes it at the given bcrypt cost.
func HashPassword(plain string, cost int) (PasswordHash, error) {
	if err := checkPassword(plain); err != nil {
		return "", err
	}
	return RehashPassword(plain, cost)
}

// RehashPassword hashes plain, a password that just matched a stored
// hash, at the given cost. The policy of HashPassword is not applied: a
// stored password may predate it (customers of the Node.js service), and
// only its hash is being renewed.
func RehashPassword(plain string, cost int) (PasswordHash, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(plain), cost)
	return PasswordHash(h), err
}

func checkPassword(plain string) error {
	if len(plain) < minPasswordBytes || len(plain) > MaxPasswordBytes {
		return broken("must be 8 to 72 bytes long")
	}
	return nil
}

// Matches reports whether plain is the password this hash was made from.
// It takes bcrypt's full time whether or not it matches.
func (h PasswordHash) Matches(plain string) bool {
	return bcrypt.CompareHashAndPassword([]byte(h), []byte(plain)) == nil
}

// CheckNewPassword reports, under field, what HashPassword would refuse
// about plain, without the cost of hashing it.
func CheckNewPassword(field, plain string) error {
	var p problems
	p.check(field, checkPassword(plain))
	return p.err()
}

// HasCost reports whether the hash was made at the given bcrypt cost. A
// hash bcrypt cannot read has no cost, and so none of them.
func (h PasswordHash) HasCost(cost int) bool {
	got, err := bcrypt.Cost([]byte(h))
	return err == nil && got == cost
}
