package token

import (
	"encoding/json"
	"slices"
	"testing"
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
			err := json.Unmarshal([]byte(`{"scope":`+tt.json+`}`), &c)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && !slices.Equal(c.Scope, tt.want) {
				t.Fatalf("scope = %q, want %q", c.Scope, tt.want)
			}
		})
	}
}

func TestScopeClaimIsWrittenAsOneString(t *testing.T) {
	b, err := json.Marshal(tokenClaims{Scope: scopeList{"read", "api"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"scope":"read api"}`; got != want {
		t.Fatalf("json = %s, want %s", got, want)
	}
}
