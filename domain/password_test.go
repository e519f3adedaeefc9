package domain_test

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/domain"
)

func TestHashPassword_AcceptsEightToSeventyTwoBytes(t *testing.T) {
	tests := []struct {
		name, plain string
		wantOK      bool
	}{
		{"empty", "", false},
		{"seven bytes", "1234567", false},
		{"eight bytes", "12345678", true},
		{"four two-byte characters are eight bytes", "éééé", true},
		{"spaces count and are kept", "        ", true},
		{"seventy-two bytes", strings.Repeat("p", 72), true},
		{"seventy-three bytes", strings.Repeat("p", 73), false},
		{"thirty-seven two-byte characters are too many bytes", strings.Repeat("é", 37), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := domain.HashPassword(tt.plain, bcrypt.MinCost)
			if (err == nil) != tt.wantOK {
				t.Fatalf("HashPassword(%d bytes) error = %v, want ok = %v", len(tt.plain), err, tt.wantOK)
			}
			if err != nil {
				if err.Error() != "must be 8 to 72 bytes long" || h != "" {
					t.Errorf("HashPassword = %q, %v", h, err)
				}
				return
			}
			if !h.Matches(tt.plain) {
				t.Error("the hash does not match the password it was made from")
			}
		})
	}
}

func TestHashPassword_KeepsOnlyABcryptHashAtTheGivenCost(t *testing.T) {
	h, err := domain.HashPassword(password, bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(h), password) {
		t.Error("the hash contains the plain password")
	}
	cost, err := bcrypt.Cost([]byte(h))
	if err != nil || cost != bcrypt.MinCost {
		t.Errorf("bcrypt.Cost(hash) = %d, %v; want %d", cost, err, bcrypt.MinCost)
	}
	again, _ := domain.HashPassword(password, bcrypt.MinCost)
	if again == h {
		t.Error("two hashes of one password are equal: the salt is missing")
	}
}

func TestHashPassword_FailsOnACostBcryptRefuses(t *testing.T) {
	if _, err := domain.HashPassword(password, bcrypt.MaxCost+1); err == nil {
		t.Error("HashPassword accepted a cost above bcrypt.MaxCost")
	}
}

func TestPasswordHash_MatchesOnlyTheOriginalPassword(t *testing.T) {
	h, err := domain.HashPassword(password, bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	nodeHash, _ := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	tests := []struct {
		name  string
		hash  domain.PasswordHash
		plain string
		want  bool
	}{
		{"same password", h, password, true},
		{"other password", h, "wrong horse", false},
		{"different case", h, strings.ToUpper(password), false},
		{"prefix only", h, password[:8], false},
		{"empty", h, "", false},
		{"hash made elsewhere by bcrypt", domain.PasswordHash(nodeHash), password, true},
		{"no hash stored", "", password, false},
		{"garbage stored", "not a hash", password, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.hash.Matches(tt.plain); got != tt.want {
				t.Errorf("Matches = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCheckNewPassword_FollowsTheRuleOfCreateUnderItsOwnName(t *testing.T) {
	if err := domain.CheckNewPassword("newPassword", "12345678"); err != nil {
		t.Fatalf("eight bytes refused: %v", err)
	}
	var ve *domain.ValidationError
	err := domain.CheckNewPassword("newPassword", strings.Repeat("p", 73))
	if !errors.As(err, &ve) || ve.Messages()[0] != "newPassword: must be 8 to 72 bytes long" {
		t.Fatalf("73 bytes: %v, want newPassword named", err)
	}
}

func TestPasswordHash_HasCostTellsAHashMadeAtAnotherCost(t *testing.T) {
	h, err := domain.HashPassword("s3cret-pass", bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	// A hash of the Node.js service: bcryptjs, $2a$, cost 10.
	node := domain.PasswordHash("$2a$10$abcdefghijklmnopqrstuuJ4Vm3ZmYt0fhNcXuUa1Oqk4yUCcm2u6")
	for _, tt := range []struct {
		name string
		h    domain.PasswordHash
		cost int
		want bool
	}{
		{"the cost it was made at", h, bcrypt.MinCost, true},
		{"another cost", h, bcrypt.MinCost + 1, false},
		{"a Node.js hash at its cost", node, 10, true},
		{"a Node.js hash under a raised cost", node, 12, false},
		{"no hash at all", "", bcrypt.MinCost, false},
	} {
		if got := tt.h.HasCost(tt.cost); got != tt.want {
			t.Errorf("%s: HasCost(%d) = %v, want %v", tt.name, tt.cost, got, tt.want)
		}
	}
}
