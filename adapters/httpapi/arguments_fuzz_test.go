package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/microbase-io/customer-service/domain"
)

// argFuzzMaxBody is small so the fuzzer also reaches the size limit.
const argFuzzMaxBody = 4 << 10

// FuzzParseArguments checks that no body, content type or query makes the
// decoding panic, answer with an unexpected error, or hand a handler a string
// that is not UTF-8; and that what it accepts as JSON, encoding/json reads
// the same way.
func FuzzParseArguments(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte, contentType, rawQuery string) {
		r := &http.Request{
			Method:        http.MethodPost,
			URL:           &url.URL{Path: "/services/customer/v1/customer.update", RawQuery: rawQuery},
			Header:        http.Header{},
			Body:          io.NopCloser(bytes.NewReader(body)),
			ContentLength: int64(len(body)),
		}
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		a, err := parseArguments(r, argFuzzMaxBody)
		if err != nil {
			argFuzzCheckError(t, err)
			if errors.Is(err, errPayloadTooLarge) && len(body) <= argFuzzMaxBody {
				t.Fatalf("a body of %d bytes is refused as too large", len(body))
			}
			return
		}
		if len(body) > argFuzzMaxBody {
			t.Fatalf("a body of %d bytes is accepted", len(body))
		}
		if a.fields != nil {
			argFuzzCompareWithEncodingJSON(t, body, a)
		}

		names := []string{"id", "email", "tags", "version", "address", "addresses", ""}
		for k := range a.query {
			names = append(names, k)
		}
		for k := range a.form {
			names = append(names, k)
		}
		for _, f := range a.fields {
			names = append(names, f.name)
		}
		// Handlers read a fixed handful of arguments; reading thousands
		// would only make each execution slow.
		if len(names) > 64 {
			names = names[:64]
		}
		for _, name := range names {
			argFuzzCheckString(t, name, a.str(name))
			for _, l := range []*[]string{a.strList(name), a.filterList(name)} {
				if l != nil {
					for _, s := range *l {
						argFuzzCheckString(t, name, &s)
					}
				}
			}
			a.integer(name)
			a.has(name)
			var anything any
			a.object(name, &anything)
			var list []argTestAddress
			a.object(name, &list)
			var one argTestAddress
			a.object(name, &one)
		}
		if err := a.err(); err != nil {
			argFuzzCheckError(t, err)
		}
	})
}

func argFuzzCheckError(t *testing.T, err error) {
	t.Helper()
	if errors.Is(err, errPayloadTooLarge) {
		return
	}
	var ve *domain.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v (%T) is neither errPayloadTooLarge nor a *domain.ValidationError", err, err)
	}
	if len(ve.Problems) == 0 {
		t.Fatal("a validation error without problems")
	}
	for _, m := range ve.Messages() {
		if !utf8.ValidString(m) {
			t.Fatalf("message %q is not UTF-8", m)
		}
	}
}

func argFuzzCheckString(t *testing.T, name string, s *string) {
	t.Helper()
	if s != nil && !utf8.ValidString(*s) {
		t.Fatalf("argument %q read as %q, which is not UTF-8", name, *s)
	}
}

// argFuzzCompareWithEncodingJSON checks an accepted JSON body against
// encoding/json: it must be valid, hold no repeated top-level key, and give
// the same strings and integers.
func argFuzzCompareWithEncodingJSON(t *testing.T, body []byte, a *arguments) {
	t.Helper()
	if strings.TrimSpace(string(body)) == "" {
		return
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil {
		t.Fatalf("accepted a body encoding/json refuses: %v", err)
	}
	if len(members) != len(a.fields) {
		t.Fatalf("kept %d members, encoding/json sees %d distinct ones", len(a.fields), len(members))
	}
	for _, f := range a.fields {
		raw, ok := members[f.name]
		if !ok {
			t.Fatalf("member %q unknown to encoding/json", f.name)
		}
		if _, inQuery := a.query[f.name]; inQuery {
			continue
		}
		if raw[0] == '"' {
			var want string
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatalf("%q: encoding/json refuses the string: %v", f.name, err)
			}
			if got := a.str(f.name); got == nil || *got != want {
				t.Fatalf("%q read as %v, encoding/json reads %q", f.name, got, want)
			}
		}
		if argFuzzSmallNumber(raw) {
			want, ok := argFuzzExactInteger(string(raw))
			got := a.integer(f.name)
			switch {
			case ok && (got == nil || *got != want):
				t.Fatalf("%s read as integer %v, want %d", raw, got, want)
			case !ok && got != nil:
				t.Fatalf("%s read as integer %d, want a problem", raw, *got)
			}
		}
	}
}

// argFuzzSmallNumber tells numbers short enough for big.Rat to check
// cheaply.
func argFuzzSmallNumber(raw []byte) bool {
	if len(raw) == 0 || len(raw) > 40 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
		return false
	}
	i := bytes.IndexAny(raw, "eE")
	return i < 0 || len(bytes.TrimLeft(bytes.TrimLeft(raw[i+1:], "+-"), "0")) <= 3
}

// argFuzzExactInteger reads a JSON number exactly with math/big.
func argFuzzExactInteger(raw string) (int64, bool) {
	var r big.Rat
	if _, ok := r.SetString(raw); !ok || !r.IsInt() || !r.Num().IsInt64() {
		return 0, false
	}
	return r.Num().Int64(), true
}
