package httpapi

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/microbase-io/customer-service/domain"
)

const argTestMaxBody = 1 << 20

// argUpdateBody is the customer.update example of the MicroBase docs.
const argUpdateBody = `{
        "id": "HkhhuXESl",
        "email": "john.doe@gmail.com",
        "firstName": "John",
        "lastName": "Doe",
        "tags": ["VIP"],
        "status": "ACTIVE"
      }`

func argTestRequest(method, target, contentType, body string) *http.Request {
	if method == "" {
		method = http.MethodPost
	}
	if target == "" {
		target = "/services/customer/v1/customer.update"
	}
	var r *http.Request
	if body == "" {
		r = httptest.NewRequest(method, target, nil)
	} else {
		r = httptest.NewRequest(method, target, strings.NewReader(body))
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	return r
}

func argS(s string) *string { return &s }
func argI(n int64) *int64   { return &n }
func argL(items ...string) *[]string {
	if items == nil {
		items = []string{} // present and empty, as the accessors return it
	}
	return &items
}

func argMessages(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var ve *domain.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v (%T) is not a *domain.ValidationError", err, err)
	}
	if !errors.Is(err, domain.ErrValidation) {
		t.Fatalf("error %v does not match domain.ErrValidation", err)
	}
	return ve.Messages()
}

type argTestAddress struct {
	Name  string `json:"name"`
	City  string `json:"city"`
	Phone *int64 `json:"phone"`
}

// argAccessorCase reads arguments the way a handler does and checks what it
// got and which problems err reports.
type argAccessorCase struct {
	name         string
	method       string
	target       string
	contentType  string
	body         string
	read         func(a *arguments) any
	want         any
	wantProblems []string
}

func argRunAccessorCases(t *testing.T, cases []argAccessorCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := parseArguments(argTestRequest(tc.method, tc.target, tc.contentType, tc.body), argTestMaxBody)
			if err != nil {
				t.Fatalf("parseArguments: %v", err)
			}
			got := tc.read(a)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %s, want %s", argShow(got), argShow(tc.want))
			}
			if msgs := argMessages(t, a.err()); !reflect.DeepEqual(msgs, tc.wantProblems) {
				t.Errorf("problems %q, want %q", msgs, tc.wantProblems)
			}
		})
	}
}

// argShow prints what pointers point at, so a failure is readable.
func argShow(v any) string {
	switch p := v.(type) {
	case *string:
		if p != nil {
			return "&" + strconv.Quote(*p)
		}
	case *int64:
		if p != nil {
			return "&" + strconv.FormatInt(*p, 10)
		}
	case *[]string:
		if p != nil {
			return fmt.Sprintf("&%#v", *p)
		}
	}
	return fmt.Sprintf("%#v", v)
}

func TestArguments_ComeFromJSONFormOrQuery(t *testing.T) {
	id := func(a *arguments) any { return a.str("id") }
	email := func(a *arguments) any { return a.str("email") }
	argRunAccessorCases(t, []argAccessorCase{
		{name: "json body", contentType: "application/json", body: argUpdateBody, read: id, want: argS("HkhhuXESl")},
		{name: "json with charset and odd case", contentType: "Application/JSON; charset=UTF-8", body: `{"id":"a"}`, read: id, want: argS("a")},
		{name: "json suffix media type", contentType: "application/merge-patch+json", body: `{"id":"a"}`, read: id, want: argS("a")},
		{name: "no content type but a JSON object", body: " \n\t{\"id\":\"a\"}", read: id, want: argS("a")},
		{name: "form body", contentType: "application/x-www-form-urlencoded", body: "id=HkhhuXESl&email=john.doe%40gmail.com", read: email, want: argS("john.doe@gmail.com")},
		{name: "query of a GET", method: http.MethodGet, target: "/x?id=HkhhuXESl", read: id, want: argS("HkhhuXESl")},
		{name: "JSON body on a GET", method: http.MethodGet, contentType: "application/json", body: `{"id":"a"}`, read: id, want: argS("a")},
		{name: "absent", contentType: "application/json", body: `{"email":"a@b.c"}`, read: id, want: (*string)(nil)},
		{name: "no arguments at all", read: id, want: (*string)(nil)},
		{name: "empty string is present", contentType: "application/json", body: `{"id":""}`, read: id, want: argS("")},
		{name: "empty query value is present", target: "/x?id=", read: id, want: argS("")},
		{name: "mix: id from query, email from json", target: "/x?id=q", contentType: "application/json", body: `{"email":"b@x.io"}`,
			read: func(a *arguments) any { return []*string{a.str("id"), a.str("email")} }, want: []*string{argS("q"), argS("b@x.io")}},
		{name: "query wins over json", target: "/x?email=q%40x.io", contentType: "application/json", body: `{"email":"b@x.io"}`, read: email, want: argS("q@x.io")},
		{name: "query wins over form", target: "/x?email=q%40x.io", contentType: "application/x-www-form-urlencoded", body: "email=b%40x.io", read: email, want: argS("q@x.io")},
		{name: "query wins over a json value of the wrong type", target: "/x?version=3", contentType: "application/json", body: `{"version":"x"}`,
			read: func(a *arguments) any { return a.integer("version") }, want: argI(3)},
		{name: "query list wins over json list", target: "/x?tags=Q", contentType: "application/json", body: `{"tags":["A","B"]}`,
			read: func(a *arguments) any { return a.strList("tags") }, want: argL("Q")},
		{name: "unknown arguments are ignored", contentType: "application/json",
			body: `{"id":"a","addresses":[{"id":"r1","phone":2173203531}],"createdAt":"2017-01-01T00:00:00Z","__v":0,"ok":true}`,
			read: id, want: argS("a")},
		{name: "dollar and dotted keys are ignored", contentType: "application/json",
			body: `{"$where":"sleep(1000)","profile.admin":true,"$set":{"status":"INACTIVE"},"id":"a"}`, read: id, want: argS("a")},
		{name: "same key in sibling objects is fine", contentType: "application/json",
			body: `{"a":{"x":1},"b":{"x":1},"c":[{"x":1},{"x":1}],"id":"a"}`, read: id, want: argS("a")},
		{name: "NUL inside a JSON string is passed through", contentType: "application/json", body: `{"id":"a\u0000b"}`, read: id, want: argS("a\x00b")},
		{name: "NUL inside a form value is passed through", contentType: "application/x-www-form-urlencoded", body: "id=a%00b", read: id, want: argS("a\x00b")},
		{name: "JSON escapes are decoded", contentType: "application/json", body: `{"id":"\u00e9\n\ud83d\ude00\/\"\\"}`, read: id, want: argS("é\n😀/\"\\")},
		{name: "lone surrogate becomes U+FFFD", contentType: "application/json", body: `{"id":"a\ud800b\udc00\ud800\u0041"}`, read: id, want: argS("a\uFFFDb\uFFFD\uFFFDA")},
		{name: "escaped key names the argument", contentType: "application/json", body: `{"\u0069d":"a"}`, read: id, want: argS("a")},
		{name: "empty body with any content type", contentType: "text/plain", read: id, want: (*string)(nil)},
		{name: "whitespace-only JSON body", contentType: "application/json", body: " \n", read: id, want: (*string)(nil)},
	})
}

func TestArguments_StringsRefuseOtherTypes(t *testing.T) {
	id := func(a *arguments) any { return a.str("id") }
	bad := []string{"id: must be a string"}
	argRunAccessorCases(t, []argAccessorCase{
		{name: "number", contentType: "application/json", body: `{"id": 5}`, read: id, want: (*string)(nil), wantProblems: bad},
		{name: "operator object", contentType: "application/json", body: `{"id": {"$ne": null}}`, read: id, want: (*string)(nil), wantProblems: bad},
		{name: "bool", contentType: "application/json", body: `{"id": true}`, read: id, want: (*string)(nil), wantProblems: bad},
		{name: "null", contentType: "application/json", body: `{"id": null}`, read: id, want: (*string)(nil), wantProblems: bad},
		{name: "array", contentType: "application/json", body: `{"id": ["a"]}`, read: id, want: (*string)(nil), wantProblems: bad},
		{name: "repeated in the query", target: "/x?id=a&id=b", read: id, want: (*string)(nil), wantProblems: []string{"id: must be given once"}},
		{name: "repeated in a form", contentType: "application/x-www-form-urlencoded", body: "id=a&id=b", read: id, want: (*string)(nil), wantProblems: []string{"id: must be given once"}},
		{name: "null is still present", contentType: "application/json", body: `{"id": null}`,
			read: func(a *arguments) any { return []bool{a.has("id"), a.has("email")} }, want: []bool{true, false}},
		{name: "reading twice reports once", contentType: "application/json", body: `{"id": 5}`,
			read: func(a *arguments) any { a.str("id"); return a.str("id") }, want: (*string)(nil), wantProblems: bad},
	})
}

func TestArguments_ListsAcceptRepeatedAndCommaSeparatedValues(t *testing.T) {
	tags := func(a *arguments) any { return a.strList("tags") }
	bad := []string{"tags: must be a list of strings"}
	argRunAccessorCases(t, []argAccessorCase{
		{name: "comma-separated query", target: "/x?tags=VIP,GOLD", read: tags, want: argL("VIP", "GOLD")},
		{name: "repeated query", target: "/x?tags=VIP&tags=GOLD", read: tags, want: argL("VIP", "GOLD")},
		{name: "repeated and comma-separated, trimmed", target: "/x?tags=VIP,%20GOLD%20&tags=+SILVER", read: tags, want: argL("VIP", "GOLD", "SILVER")},
		{name: "comma-separated form", contentType: "application/x-www-form-urlencoded", body: "tags=VIP,GOLD", read: tags, want: argL("VIP", "GOLD")},
		{name: "repeated form", contentType: "application/x-www-form-urlencoded", body: "tags=VIP&tags=GOLD", read: tags, want: argL("VIP", "GOLD")},
		{name: "one empty value clears", target: "/x?tags=", read: tags, want: argL()},
		{name: "empty parts are left for the domain to refuse", target: "/x?tags=VIP,", read: tags, want: argL("VIP", "")},
		{name: "json array", contentType: "application/json", body: `{"tags":["VIP","GOLD"]}`, read: tags, want: argL("VIP", "GOLD")},
		{name: "empty json array clears", contentType: "application/json", body: `{"tags":[]}`, read: tags, want: argL()},
		{name: "json array elements are not trimmed", contentType: "application/json", body: `{"tags":[" VIP "]}`, read: tags, want: argL(" VIP ")},
		{name: "absent", contentType: "application/json", body: `{}`, read: tags, want: (*[]string)(nil)},
		{name: "json string", contentType: "application/json", body: `{"tags":"VIP"}`, read: tags, want: (*[]string)(nil), wantProblems: bad},
		{name: "number inside", contentType: "application/json", body: `{"tags":["VIP",1]}`, read: tags, want: (*[]string)(nil), wantProblems: bad},
		{name: "list inside", contentType: "application/json", body: `{"tags":[["VIP"]]}`, read: tags, want: (*[]string)(nil), wantProblems: bad},
		{name: "null", contentType: "application/json", body: `{"tags":null}`, read: tags, want: (*[]string)(nil), wantProblems: bad},
		{name: "object", contentType: "application/json", body: `{"tags":{"0":"VIP"}}`, read: tags, want: (*[]string)(nil), wantProblems: bad},
	})
}

func TestArguments_FiltersAlsoAcceptACommaSeparatedJSONString(t *testing.T) {
	ids := func(a *arguments) any { return a.filterList("id") }
	argRunAccessorCases(t, []argAccessorCase{
		{name: "MicroBase docs example", contentType: "application/json", body: `{"id": "HkhhuXESl,HkhhuXES3"}`, read: ids, want: argL("HkhhuXESl", "HkhhuXES3")},
		{name: "empty parts dropped, parts trimmed", contentType: "application/json", body: `{"id": " a, ,b ,"}`, read: ids, want: argL("a", "b")},
		{name: "empty string is an empty filter", contentType: "application/json", body: `{"id": ""}`, read: ids, want: argL()},
		{name: "json array", contentType: "application/json", body: `{"id": ["a","b"]}`, read: ids, want: argL("a", "b")},
		{name: "json array drops empty elements", contentType: "application/json", body: `{"id": ["a",""," "]}`, read: ids, want: argL("a")},
		{name: "query", target: "/x?id=a,,b&id=c", read: ids, want: argL("a", "b", "c")},
		{name: "number", contentType: "application/json", body: `{"id": 5}`, read: ids, want: (*[]string)(nil), wantProblems: []string{"id: must be a list of strings"}},
	})
}

func TestArguments_IntegersMustBeIntegral(t *testing.T) {
	version := func(a *arguments) any { return a.integer("version") }
	notInt := []string{"version: must be an integer"}
	tooBig := []string{"version: is out of range"}
	argRunAccessorCases(t, []argAccessorCase{
		{name: "json integer", contentType: "application/json", body: `{"version": 5}`, read: version, want: argI(5)},
		{name: "exponent", contentType: "application/json", body: `{"version": 1e3}`, read: version, want: argI(1000)},
		{name: "integral fraction", contentType: "application/json", body: `{"version": 2.50e1}`, read: version, want: argI(25)},
		{name: "negative exponent, integral", contentType: "application/json", body: `{"version": 100E-2}`, read: version, want: argI(1)},
		{name: "negative zero", contentType: "application/json", body: `{"version": -0}`, read: version, want: argI(0)},
		{name: "zero with a huge exponent", contentType: "application/json", body: `{"version": 0.0e999999999999}`, read: version, want: argI(0)},
		{name: "largest", contentType: "application/json", body: `{"version": 9223372036854775807}`, read: version, want: argI(1<<63 - 1)},
		{name: "smallest", contentType: "application/json", body: `{"version": -9223372036854775808}`, read: version, want: argI(-1 << 63)},
		{name: "smallest with exponent", contentType: "application/json", body: `{"version": -9.223372036854775808e18}`, read: version, want: argI(-1 << 63)},
		{name: "beyond float precision stays exact", contentType: "application/json", body: `{"version": 9007199254740993.0}`, read: version, want: argI(9007199254740993)},
		{name: "fraction", contentType: "application/json", body: `{"version": 1.5}`, read: version, want: (*int64)(nil), wantProblems: notInt},
		{name: "small negative exponent", contentType: "application/json", body: `{"version": 1e-2}`, read: version, want: (*int64)(nil), wantProblems: notInt},
		{name: "huge negative exponent", contentType: "application/json", body: `{"version": 1e-99999999999}`, read: version, want: (*int64)(nil), wantProblems: notInt},
		{name: "string", contentType: "application/json", body: `{"version": "x"}`, read: version, want: (*int64)(nil), wantProblems: notInt},
		{name: "numeric string", contentType: "application/json", body: `{"version": "5"}`, read: version, want: (*int64)(nil), wantProblems: notInt},
		{name: "bool", contentType: "application/json", body: `{"version": true}`, read: version, want: (*int64)(nil), wantProblems: notInt},
		{name: "null", contentType: "application/json", body: `{"version": null}`, read: version, want: (*int64)(nil), wantProblems: notInt},
		{name: "one past the largest", contentType: "application/json", body: `{"version": 9223372036854775808}`, read: version, want: (*int64)(nil), wantProblems: tooBig},
		{name: "huge exponent", contentType: "application/json", body: `{"version": 1e19}`, read: version, want: (*int64)(nil), wantProblems: tooBig},
		{name: "enormous exponent", contentType: "application/json", body: `{"version": 1e99999999999}`, read: version, want: (*int64)(nil), wantProblems: tooBig},
		{name: "query", target: "/x?version=42", read: version, want: argI(42)},
		{name: "negative query", target: "/x?version=-42", read: version, want: argI(-42)},
		{name: "query not a number", target: "/x?version=4x", read: version, want: (*int64)(nil), wantProblems: notInt},
		{name: "query exponent is not base 10", target: "/x?version=1e3", read: version, want: (*int64)(nil), wantProblems: notInt},
		{name: "empty query value", target: "/x?version=", read: version, want: (*int64)(nil), wantProblems: notInt},
		{name: "query out of range", target: "/x?version=99999999999999999999", read: version, want: (*int64)(nil), wantProblems: tooBig},
		{name: "repeated query", target: "/x?version=1&version=2", read: version, want: (*int64)(nil), wantProblems: []string{"version: must be given once"}},
	})
}

func TestArguments_ObjectsDecodeAndNameTheBadPath(t *testing.T) {
	addresses := func(a *arguments) any {
		var dst []argTestAddress
		if !a.object("addresses", &dst) {
			return nil
		}
		return dst
	}
	address := func(a *arguments) any {
		var dst argTestAddress
		if !a.object("address", &dst) {
			return nil
		}
		return dst
	}
	phone := int64(2173203531)
	argRunAccessorCases(t, []argAccessorCase{
		{name: "list of objects, unknown fields ignored", contentType: "application/json",
			body: `{"addresses":[{"name":"Work","city":"Bloomington","phone":2173203531,"country":"US"}]}`,
			read: addresses, want: []argTestAddress{{Name: "Work", City: "Bloomington", Phone: &phone}}},
		{name: "phone as a string", contentType: "application/json", body: `{"addresses":[{"name":"Work","phone":"217"}]}`,
			read: addresses, want: nil, wantProblems: []string{"addresses[0].phone: must be a number"}},
		{name: "phone as a fraction in the second address", contentType: "application/json", body: `{"addresses":[{"name":"Home"},{"name":"Work","phone":1.5}]}`,
			read: addresses, want: nil, wantProblems: []string{"addresses[1].phone: must be an integer"}},
		{name: "name as an object", contentType: "application/json", body: `{"addresses":[{"name":{"$gt":""}}]}`,
			read: addresses, want: nil, wantProblems: []string{"addresses[0].name: must be a string"}},
		{name: "object where a list is expected", contentType: "application/json", body: `{"addresses":{"name":"Work"}}`,
			read: addresses, want: nil, wantProblems: []string{"addresses: must be a list"}},
		{name: "string where a list is expected", contentType: "application/json", body: `{"addresses":"Work"}`,
			read: addresses, want: nil, wantProblems: []string{"addresses: must be a list"}},
		{name: "null where an object is expected", contentType: "application/json", body: `{"address":null}`,
			read: address, want: nil, wantProblems: []string{"address: must be an object"}},
		{name: "list where an object is expected", contentType: "application/json", body: `{"address":[]}`,
			read: address, want: nil, wantProblems: []string{"address: must be an object"}},
		{name: "absent", contentType: "application/json", body: `{}`, read: address, want: nil},
		{name: "JSON text in the query", target: "/x?address=" + url.QueryEscape(`{"name":"Work","phone":1}`),
			read: address, want: argTestAddress{Name: "Work", Phone: argI(1)}},
		{name: "JSON text in a form", contentType: "application/x-www-form-urlencoded", body: "addresses=" + url.QueryEscape(` [{"name":"Work"}] `),
			read: addresses, want: []argTestAddress{{Name: "Work"}}},
		{name: "query text that is not JSON", target: "/x?address=Work",
			read: address, want: nil, wantProblems: []string{"address: is malformed JSON (at byte 0)"}},
		{name: "empty query text", target: "/x?address=",
			read: address, want: nil, wantProblems: []string{"address: must be JSON"}},
		{name: "query text with a repeated key", target: "/x?addresses=" + url.QueryEscape(`[{"name":"a","name":"b"}]`),
			read: addresses, want: nil, wantProblems: []string{"addresses[0].name: given more than once"}},
		{name: "query text nested too deep", target: "/x?address=" + url.QueryEscape(strings.Repeat("[", 40)+strings.Repeat("]", 40)),
			read: address, want: nil, wantProblems: []string{"address: is nested deeper than 32 levels"}},
		{name: "repeated query", target: "/x?address=%7B%7D&address=%7B%7D", read: address, want: nil, wantProblems: []string{"address: must be given once"}},
	})
}

func TestArguments_ErrListsEveryProblem(t *testing.T) {
	r := argTestRequest("", "", "application/json", `{"id":5,"email":{"$ne":null},"tags":"VIP","version":1.5,"status":"ACTIVE"}`)
	a, err := parseArguments(r, argTestMaxBody)
	if err != nil {
		t.Fatal(err)
	}
	a.str("id")
	a.str("email")
	a.str("firstName")
	a.strList("tags")
	a.integer("version")
	if got := a.str("status"); got == nil || *got != "ACTIVE" {
		t.Errorf("status = %v, want ACTIVE", got)
	}
	want := []string{"id: must be a string", "email: must be a string", "tags: must be a list of strings", "version: must be an integer"}
	if got := argMessages(t, a.err()); !reflect.DeepEqual(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
}

func TestParseArguments_RefusesBodiesThatAreNotArguments(t *testing.T) {
	tooDeep := func(n int) string {
		return `{"a":` + strings.Repeat("[", n) + strings.Repeat("]", n) + "}"
	}
	manyKeys := func(dup string) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range 40 {
			b.WriteString(`"k` + strconv.Itoa(i) + `":1,`)
		}
		b.WriteString(`"` + dup + `":2}`)
		return b.String()
	}
	const unsupported = "content type %q is not supported: use application/json or application/x-www-form-urlencoded"
	cases := []struct {
		name        string
		target      string
		contentType string
		body        string
		want        []string // nil: accepted
	}{
		{name: "array body", contentType: "application/json", body: `["id"]`, want: []string{"body: must be a JSON object"}},
		{name: "string body", contentType: "application/json", body: `"id"`, want: []string{"body: must be a JSON object"}},
		{name: "null body", contentType: "application/json", body: `null`, want: []string{"body: must be a JSON object"}},
		{name: "missing value", contentType: "application/json", body: `{"id":}`, want: []string{"body: is malformed JSON (at byte 6)"}},
		{name: "unterminated object", contentType: "application/json", body: `{"id":"x"`, want: []string{"body: is malformed JSON (at byte 9)"}},
		{name: "unterminated string", contentType: "application/json", body: `{"id":"x`, want: []string{"body: is malformed JSON (at byte 8)"}},
		{name: "trailing comma", contentType: "application/json", body: `{"id":"x",}`, want: []string{"body: is malformed JSON (at byte 10)"}},
		{name: "single quotes", contentType: "application/json", body: `{'id':1}`, want: []string{"body: is malformed JSON (at byte 1)"}},
		{name: "leading zero", contentType: "application/json", body: `{"v":01}`, want: []string{"body: is malformed JSON (at byte 6)"}},
		{name: "bare fraction dot", contentType: "application/json", body: `{"v":1.}`, want: []string{"body: is malformed JSON (at byte 7)"}},
		{name: "bad literal", contentType: "application/json", body: `{"v":tru}`, want: []string{"body: is malformed JSON (at byte 5)"}},
		{name: "bad escape", contentType: "application/json", body: `{"v":"\x"}`, want: []string{"body: is malformed JSON (at byte 6)"}},
		{name: "raw control character in a string", contentType: "application/json", body: "{\"v\":\"a\tb\"}", want: []string{"body: is malformed JSON (at byte 7)"}},
		{name: "second document", contentType: "application/json", body: `{} {}`, want: []string{"body: is malformed JSON (at byte 3)"}},
		{name: "duplicate key", contentType: "application/json", body: `{"email":"a@b.c","email":"d@e.f"}`, want: []string{"email: given more than once"}},
		{name: "duplicate key spelled with an escape", contentType: "application/json", body: `{"email":"a@b.c","em\u0061il":"d@e.f"}`, want: []string{"email: given more than once"}},
		{name: "duplicate key in a list", contentType: "application/json", body: `{"addresses":[{"name":"a"},{"name":"b","name":"c"}]}`, want: []string{"addresses[1].name: given more than once"}},
		{name: "duplicate key deep inside", contentType: "application/json", body: `{"a":{"b":{"c":1,"c":2}}}`, want: []string{"a.b.c: given more than once"}},
		{name: "duplicate among many keys", contentType: "application/json", body: manyKeys("k3"), want: []string{"k3: given more than once"}},
		{name: "many distinct keys", contentType: "application/json", body: manyKeys("other")},
		{name: "32 levels", contentType: "application/json", body: tooDeep(31)},
		{name: "33 levels", contentType: "application/json", body: tooDeep(32), want: []string{"body: is nested deeper than 32 levels"}},
		{name: "10,000 levels", contentType: "application/json", body: tooDeep(10000), want: []string{"body: is nested deeper than 32 levels"}},
		{name: "invalid UTF-8 in a JSON string", contentType: "application/json", body: "{\"id\":\"a\xffb\"}", want: []string{"body: must be valid UTF-8"}},
		{name: "invalid UTF-8 in a JSON key", contentType: "application/json", body: "{\"\xc3\":\"a\"}", want: []string{"body: must be valid UTF-8"}},
		{name: "invalid UTF-8 in a form", contentType: "application/x-www-form-urlencoded", body: "id=a\xffb", want: []string{"body: must be valid UTF-8"}},
		{name: "escaped invalid UTF-8 in a form", contentType: "application/x-www-form-urlencoded", body: "id=a%FFb", want: []string{"body: must be valid UTF-8"}},
		{name: "escaped invalid UTF-8 in a form key", contentType: "application/x-www-form-urlencoded", body: "i%FF=a", want: []string{"body: must be valid UTF-8"}},
		{name: "escaped invalid UTF-8 in the query", target: "/x?id=a%FFb", want: []string{"query: must be valid UTF-8"}},
		{name: "malformed query escape", target: "/x?id=a%zz", want: []string{"query: is not valid URL encoding"}},
		{name: "semicolon in the query", target: "/x?id=a;b", want: []string{"query: is not valid URL encoding"}},
		{name: "too many query parameters", target: "/x?" + strings.Repeat("a=1&", 10000) + "a=1", want: []string{"query: has more than 10000 parameters"}},
		{name: "unsupported content type", contentType: "text/plain; charset=utf-8", body: `{"id":"a"}`, want: []string{"body: " + fmt.Sprintf(unsupported, "text/plain")}},
		{name: "multipart", contentType: "multipart/form-data; boundary=x", body: "--x--", want: []string{"body: " + fmt.Sprintf(unsupported, "multipart/form-data")}},
		{name: "no content type and not JSON", body: "id=a", want: []string{"body: needs a content type: application/json or application/x-www-form-urlencoded"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseArguments(argTestRequest("", tc.target, tc.contentType, tc.body), argTestMaxBody)
			if got := argMessages(t, err); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("problems %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseArguments_InvalidUTF8InARawQuery(t *testing.T) {
	r := argTestRequest(http.MethodGet, "/x", "", "")
	r.URL.RawQuery = "id=a\xffb"
	_, err := parseArguments(r, argTestMaxBody)
	if got, want := argMessages(t, err), []string{"query: must be valid UTF-8"}; !reflect.DeepEqual(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
}

// argOpaqueBody hides the reader's type, so httptest cannot learn the length
// and the request arrives like a chunked one.
type argOpaqueBody struct{ io.Reader }

func TestParseArguments_LimitsTheBody(t *testing.T) {
	exactly := func(n int) string {
		const start = `{"id":"a"}`
		return start + strings.Repeat(" ", n-len(start))
	}
	for _, tc := range []struct {
		name    string
		body    string
		chunked bool
		max     int64
		want    error
	}{
		{name: "exactly 1 MiB", body: exactly(1 << 20), max: 1 << 20},
		{name: "1 MiB and one byte", body: exactly(1<<20 + 1), max: 1 << 20, want: errPayloadTooLarge},
		{name: "exactly the limit, chunked", body: exactly(100), chunked: true, max: 100},
		{name: "one byte over, chunked", body: exactly(101), chunked: true, max: 100, want: errPayloadTooLarge},
		{name: "far over, chunked", body: exactly(5 << 20), chunked: true, max: 1 << 20, want: errPayloadTooLarge},
		{name: "chunked in one-byte reads", body: exactly(9000), chunked: true, max: 1 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := argTestRequest("", "", "application/json", tc.body)
			if tc.chunked {
				r.Body = io.NopCloser(argOpaqueBody{iotest.OneByteReader(strings.NewReader(tc.body))})
				r.ContentLength = -1
			}
			a, err := parseArguments(r, tc.max)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if err == nil {
				if id := a.str("id"); id == nil || *id != "a" {
					t.Errorf("id = %v, want a", id)
				}
			}
		})
	}
}

func TestParseArguments_LimitSetByAnEarlierMaxBytesReader(t *testing.T) {
	r := argTestRequest("", "", "application/json", `{"id":"abcdef"}`)
	r.ContentLength = -1
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 4)
	if _, err := parseArguments(r, argTestMaxBody); !errors.Is(err, errPayloadTooLarge) {
		t.Fatalf("err = %v, want errPayloadTooLarge", err)
	}
}

func TestParseArguments_ReadFailureIsNotTheCallersFault(t *testing.T) {
	r := argTestRequest("", "", "application/json", "")
	r.Body = io.NopCloser(iotest.ErrReader(io.ErrUnexpectedEOF))
	r.ContentLength = -1
	_, err := parseArguments(r, argTestMaxBody)
	var ve *domain.ValidationError
	if !errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &ve) {
		t.Fatalf("err = %v, want a wrapped read error", err)
	}
}

func TestArguments_TenThousandElementListsParse(t *testing.T) {
	const n = 10000
	parts := make([]string, n)
	for i := range parts {
		parts[i] = "t" + strconv.Itoa(i)
	}
	for _, tc := range []struct {
		name, target, contentType, body string
	}{
		{name: "json array", contentType: "application/json", body: `{"tags":["` + strings.Join(parts, `","`) + `"]}`},
		{name: "comma-separated query", target: "/x?tags=" + strings.Join(parts, ",")},
		{name: "repeated form values", contentType: "application/x-www-form-urlencoded", body: "tags=" + strings.Join(parts, "&tags=")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := parseArguments(argTestRequest("", tc.target, tc.contentType, tc.body), argTestMaxBody)
			if err != nil {
				t.Fatal(err)
			}
			got := a.strList("tags")
			if err := a.err(); err != nil {
				t.Fatal(err)
			}
			if got == nil || !reflect.DeepEqual(*got, parts) {
				t.Errorf("got a list of %d, want the %d tags in order", len(argDeref(got)), n)
			}
		})
	}
}

func argDeref(l *[]string) []string {
	if l == nil {
		return nil
	}
	return *l
}

func TestArguments_PointersStayDistinctPastTheArena(t *testing.T) {
	var body strings.Builder
	body.WriteString("{")
	for i := range 20 {
		body.WriteString(`"s` + strconv.Itoa(i) + `":"v` + strconv.Itoa(i) + `",`)
		body.WriteString(`"n` + strconv.Itoa(i) + `":` + strconv.Itoa(i) + `,`)
		body.WriteString(`"l` + strconv.Itoa(i) + `":["x` + strconv.Itoa(i) + `"],`)
	}
	body.WriteString(`"end":true}`)
	a, err := parseArguments(argTestRequest("", "", "application/json", body.String()), argTestMaxBody)
	if err != nil {
		t.Fatal(err)
	}
	var strs []*string
	var ints []*int64
	var lists []*[]string
	for i := range 20 {
		k := strconv.Itoa(i)
		strs, ints, lists = append(strs, a.str("s"+k)), append(ints, a.integer("n"+k)), append(lists, a.strList("l"+k))
	}
	for i := range 20 {
		k := strconv.Itoa(i)
		if *strs[i] != "v"+k || *ints[i] != int64(i) || (*lists[i])[0] != "x"+k {
			t.Errorf("argument %d read back as %q %d %q", i, *strs[i], *ints[i], *lists[i])
		}
	}
}

// BenchmarkParseArguments_UpdateBody measures what a customer.update
// handler costs in argument decoding: the parse and every accessor it calls.
func BenchmarkParseArguments_UpdateBody(b *testing.B) {
	body := strings.NewReader(argUpdateBody)
	r := httptest.NewRequest(http.MethodPost, "/services/customer/v1/customer.update", body)
	r.Header.Set("Content-Type", "application/json")
	r.Body = io.NopCloser(body)
	b.ReportAllocs()
	b.SetBytes(int64(len(argUpdateBody)))
	for b.Loop() {
		body.Reset(argUpdateBody)
		a, err := parseArguments(r, argTestMaxBody)
		if err != nil {
			b.Fatal(err)
		}
		a.str("id")
		a.str("email")
		a.str("firstName")
		a.str("lastName")
		a.str("status")
		a.strList("tags")
		a.integer("version")
		if err := a.err(); err != nil {
			b.Fatal(err)
		}
	}
}
