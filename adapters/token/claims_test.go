package token

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestScopeClaimAcceptsStringOrList(t *testing.T) {
	tests := []struct {
		name    string
		json    string
		want    []string
		wantErr bool
	}{
		{"space-separated string", `"read api"`, []string{"read", "api"}, false},
		{"string with repeated and surrounding spaces", `"  api   write "`, []string{"api", "write"}, false},
		{"a tab is no separator", `"read\tapi"`, []string{"read\tapi"}, false},
		{"a no-break space is no separator", `"read\u00a0api"`, []string{"read\u00a0api"}, false},
		{"a line feed is no separator", `"read\napi"`, []string{"read\napi"}, false},
		{"spaces only", `"   "`, []string{}, false},
		{"empty string", `""`, []string{}, false},
		{"list", `["api","read"]`, []string{"api", "read"}, false},
		{"null", `null`, nil, false},
		{"number", `42`, nil, true},
		{"object", `{"api":true}`, nil, true},
		{"list of numbers", `[1]`, nil, true},
		{"boolean", `true`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c tokenClaims
			if err := json.Unmarshal([]byte(`{"scope":`+tt.json+`}`), &c); err != nil {
				t.Fatal(err)
			}
			scopes, err := scopesOf(c.Scope)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && !slices.Equal(scopes, tt.want) {
				t.Fatalf("scope = %q, want %q", scopes, tt.want)
			}
		})
	}
}

func TestIssuedTokensCarryOneScopeStringAndWholeSeconds(t *testing.T) {
	iss, err := NewIssuer(secretA, "")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := iss.Issue("service-a", []string{"read", "api"}, time.Hour, time.Unix(1_700_000_000, 0))
	if err != nil {
		t.Fatal(err)
	}
	var c tokenClaims
	if _, _, err := jwt.NewParser().ParseUnverified(tok, &c); err != nil {
		t.Fatal(err)
	}
	if c.Scope != "read api" || *c.IssuedAt != 1_700_000_000 || *c.ExpiresAt != 1_700_003_600 {
		t.Fatalf("claims scope %q, iat %v, exp %v; want \"read api\", whole seconds", c.Scope, *c.IssuedAt, *c.ExpiresAt)
	}
}
