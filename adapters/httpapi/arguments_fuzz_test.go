package httpapi

import (
	"bytes"
	stdjson "encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"testing"
	"unicode/utf8"

	"github.com/go-json-experiment/json"

	"github.com/microbase-io/customer-service/domain"
)

// argFuzzMaxBody is small so the fuzzer also reaches the size limit.
const argFuzzMaxBody = 4 << 10

// FuzzParseArguments checks that no body, content type or query makes
// reading the arguments, or decoding them into any method's request, panic,
// fail with an unexpected error, or hand a handler a string that is not
// UTF-8; and that what it accepts as JSON, encoding/json reads the same way.
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
		a, err := readArguments(httptest.NewRecorder(), r, argFuzzMaxBody)
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
		if a.json != nil {
			argFuzzCompareWithEncodingJSON(t, body, a)
		}
		for _, m := range methodList {
			req := reflect.New(m.documented().requestType).Interface()
			if unread := a.decode(req, argumentFields(reflect.TypeOf(req).Elem())); unread != nil {
				argFuzzCheckError(t, &domain.ValidationError{Problems: unread})
			}
			// encoding/json/v2 refuses to write a string that is not UTF-8.
			if _, err := json.Marshal(req); err != nil {
				t.Fatalf("%s decoded a request it cannot encode: %v", m.name, err)
			}
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

// argFuzzCompareWithEncodingJSON checks an accepted JSON body against
// encoding/json: it must be valid, hold no repeated top-level key, and give
// the same strings and integers.
func argFuzzCompareWithEncodingJSON(t *testing.T, body []byte, a arguments) {
	t.Helper()
	var members map[string]stdjson.RawMessage
	if err := stdjson.Unmarshal(body, &members); err != nil {
		t.Fatalf("accepted a body encoding/json refuses: %v", err)
	}
	if len(members) != len(a.json) {
		t.Fatalf("kept %d members, encoding/json sees %d distinct ones", len(a.json), len(members))
	}
	for name, raw := range members {
		if _, ok := a.json[name]; !ok {
			t.Fatalf("member %q unknown to encoding/json", name)
		}
		if raw[0] == '"' {
			var want string
			if err := stdjson.Unmarshal(raw, &want); err != nil {
				t.Fatalf("%q: encoding/json refuses the string: %v", name, err)
			}
			var got string
			if err := decodeJSON(a.json[name], &got); err != nil || got != want {
				t.Fatalf("%q read as %q (%v), encoding/json reads %q", name, got, err, want)
			}
		}
		if raw[0] == '-' || '0' <= raw[0] && raw[0] <= '9' {
			// An integer argument takes what strconv reads as a base-10
			// int64: no fraction, no exponent.
			want, wantErr := strconv.ParseInt(string(raw), 10, 64)
			var got integer
			err := decodeJSON(a.json[name], &got)
			switch {
			case wantErr == nil && (err != nil || int64(got) != want):
				t.Fatalf("%s read as integer %d (%v), want %d", raw, got, err, want)
			case wantErr != nil && err == nil:
				t.Fatalf("%s read as integer %d, want a problem", raw, got)
			}
		}
	}
}
