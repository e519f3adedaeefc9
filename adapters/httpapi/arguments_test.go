package httpapi

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
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

// argTest is a request with an argument of each kind.
type argTest struct {
	ID        *string        `json:"id"`
	Email     *string        `json:"email"`
	Tags      *stringList    `json:"tags"`
	Version   *integer       `json:"version"`
	Addresses []addressInput `json:"addresses"`
	Address   *addressUpdate `json:"address"`
}

// argFilterTest is a request with one list filter.
type argFilterTest struct {
	IDs filter `json:"id"`
}

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
func argI(n int64) *integer { i := integer(n); return &i }
func argL(items ...string) *stringList {
	l := stringList(items)
	if items == nil {
		l = stringList{} // present and empty
	}
	return &l
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
	return ve.Messages()
}

// argRead decodes a request as a method with request type T does, and
// returns what pick takes of it and the problems of the unread arguments.
func argRead[T any](pick func(T) any) func(*testing.T, *http.Request) (any, []string) {
	return func(t *testing.T, r *http.Request) (any, []string) {
		t.Helper()
		a, err := readArguments(httptest.NewRecorder(), r, argTestMaxBody)
		if err != nil {
			t.Fatalf("readArguments: %v", err)
		}
		var req T
		unread := a.decode(&req, argumentFields(reflect.TypeOf(req)))
		return pick(req), argMessages(t, domain.WithUnread(unread))
	}
}

var (
	argID      = argRead(func(r argTest) any { return r.ID })
	argEmail   = argRead(func(r argTest) any { return r.Email })
	argTags    = argRead(func(r argTest) any { return r.Tags })
	argVersion = argRead(func(r argTest) any { return r.Version })
	argIDs     = argRead(func(r argFilterTest) any { return r.IDs })
)

// argCase decodes a request and checks what it got and which problems
// the unread arguments have.
type argCase struct {
	name         string
	method       string
	target       string
	contentType  string
	body         string
	read         func(*testing.T, *http.Request) (any, []string)
	want         any
	wantProblems []string
}

func argRunCases(t *testing.T, cases []argCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, problems := tc.read(t, argTestRequest(tc.method, tc.target, tc.contentType, tc.body))
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %s, want %s", argShow(got), argShow(tc.want))
			}
			if !reflect.DeepEqual(problems, tc.wantProblems) {
				t.Errorf("problems %q, want %q", problems, tc.wantProblems)
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
	case *integer:
		if p != nil {
			return "&" + strconv.FormatInt(int64(*p), 10)
		}
	case *stringList:
		if p != nil {
			return fmt.Sprintf("&%#v", *p)
		}
	}
	return fmt.Sprintf("%#v", v)
}

func TestArguments_ComeFromJSONFormOrQuery(t *testing.T) {
	argRunCases(t, []argCase{
		{name: "json body", contentType: "application/json", body: argUpdateBody, read: argID, want: argS("HkhhuXESl")},
		{name: "json with charset and odd case", contentType: "Application/JSON; charset=UTF-8", body: `{"id":"a"}`, read: argID, want: argS("a")},
		{name: "json suffix media type", contentType: "application/merge-patch+json", body: `{"id":"a"}`, read: argID, want: argS("a")},
		{name: "no content type but a JSON object", body: " \n\t{\"id\":\"a\"}", read: argID, want: argS("a")},
		{name: "form body", contentType: "application/x-www-form-urlencoded", body: "id=HkhhuXESl&email=john.doe%40gmail.com", read: argEmail, want: argS("john.doe@gmail.com")},
		{name: "query of a GET", method: http.MethodGet, target: "/x?id=HkhhuXESl", read: argID, want: argS("HkhhuXESl")},
		{name: "JSON body on a GET", method: http.MethodGet, contentType: "application/json", body: `{"id":"a"}`, read: argID, want: argS("a")},
		{name: "absent", contentType: "application/json", body: `{"email":"a@b.c"}`, read: argID, want: (*string)(nil)},
		{name: "no arguments at all", read: argID, want: (*string)(nil)},
		{name: "empty string is present", contentType: "application/json", body: `{"id":""}`, read: argID, want: argS("")},
		{name: "empty query value is present", target: "/x?id=", read: argID, want: argS("")},
		{name: "mix: id from query, email from json", target: "/x?id=q", contentType: "application/json", body: `{"email":"b@x.io"}`,
			read: argRead(func(r argTest) any { return []*string{r.ID, r.Email} }), want: []*string{argS("q"), argS("b@x.io")}},
		{name: "query wins over json", target: "/x?email=q%40x.io", contentType: "application/json", body: `{"email":"b@x.io"}`, read: argEmail, want: argS("q@x.io")},
		{name: "query wins over form", target: "/x?email=q%40x.io", contentType: "application/x-www-form-urlencoded", body: "email=b%40x.io", read: argEmail, want: argS("q@x.io")},
		{name: "query wins over a json value of the wrong type", target: "/x?version=3", contentType: "application/json", body: `{"version":"x"}`,
			read: argVersion, want: argI(3)},
		{name: "query list wins over json list", target: "/x?tags=Q", contentType: "application/json", body: `{"tags":["A","B"]}`,
			read: argTags, want: argL("Q")},
		{name: "unknown arguments are ignored", contentType: "application/json",
			body: `{"id":"a","addresses":[{"id":"r1","phone":2173203531}],"createdAt":"2017-01-01T00:00:00Z","__v":0,"ok":true}`,
			read: argID, want: argS("a")},
		{name: "dollar and dotted keys are ignored", contentType: "application/json",
			body: `{"$where":"sleep(1000)","profile.admin":true,"$set":{"status":"INACTIVE"},"id":"a"}`, read: argID, want: argS("a")},
		{name: "bracketed names are other arguments", target: "/x?id%5B%24ne%5D=x&tags%5B0%5D=VIP&a]b=1&c[=2",
			read: argRead(func(r argTest) any { return []any{r.ID, r.Tags} }), want: []any{(*string)(nil), (*stringList)(nil)}},
		{name: "same key in sibling objects is fine", contentType: "application/json",
			body: `{"a":{"x":1},"b":{"x":1},"c":[{"x":1},{"x":1}],"id":"a"}`, read: argID, want: argS("a")},
		{name: "NUL inside a JSON string is passed through", contentType: "application/json", body: `{"id":"a\u0000b"}`, read: argID, want: argS("a\x00b")},
		{name: "NUL inside a form value is passed through", contentType: "application/x-www-form-urlencoded", body: "id=a%00b", read: argID, want: argS("a\x00b")},
		{name: "JSON escapes are decoded", contentType: "application/json", body: `{"id":"\u00e9\n\ud83d\ude00\/\"\\"}`, read: argID, want: argS("é\n😀/\"\\")},
		{name: "lone surrogate becomes U+FFFD", contentType: "application/json", body: `{"id":"a\ud800b\udc00\ud800\u0041"}`, read: argID, want: argS("a\uFFFDb\uFFFD\uFFFDA")},
		{name: "escaped key names the argument", contentType: "application/json", body: `{"\u0069d":"a"}`, read: argID, want: argS("a")},
		{name: "empty body with any content type", contentType: "text/plain", read: argID, want: (*string)(nil)},
		{name: "whitespace-only JSON body", contentType: "application/json", body: " \n", read: argID, want: (*string)(nil)},
	})
}

func TestArguments_StringsRefuseOtherTypes(t *testing.T) {
	bad := []string{"id: must be a string"}
	argRunCases(t, []argCase{
		{name: "number", contentType: "application/json", body: `{"id": 5}`, read: argID, want: (*string)(nil), wantProblems: bad},
		{name: "operator object", contentType: "application/json", body: `{"id": {"$ne": null}}`, read: argID, want: (*string)(nil), wantProblems: bad},
		{name: "bool", contentType: "application/json", body: `{"id": true}`, read: argID, want: (*string)(nil), wantProblems: bad},
		{name: "null", contentType: "application/json", body: `{"id": null}`, read: argID, want: (*string)(nil), wantProblems: bad},
		{name: "array", contentType: "application/json", body: `{"id": ["a"]}`, read: argID, want: (*string)(nil), wantProblems: bad},
		{name: "repeated in the query", target: "/x?id=a&id=b", read: argID, want: (*string)(nil), wantProblems: []string{"id: must be given once"}},
		{name: "repeated in a form", contentType: "application/x-www-form-urlencoded", body: "id=a&id=b", read: argID, want: (*string)(nil), wantProblems: []string{"id: must be given once"}},
	})
}

func TestArguments_ListsAcceptRepeatedAndCommaSeparatedValues(t *testing.T) {
	bad := []string{"tags: must be a list of strings"}
	argRunCases(t, []argCase{
		{name: "comma-separated query", target: "/x?tags=VIP,GOLD", read: argTags, want: argL("VIP", "GOLD")},
		{name: "repeated query", target: "/x?tags=VIP&tags=GOLD", read: argTags, want: argL("VIP", "GOLD")},
		{name: "repeated and comma-separated, trimmed", target: "/x?tags=VIP,%20GOLD%20&tags=+SILVER", read: argTags, want: argL("VIP", "GOLD", "SILVER")},
		{name: "comma-separated form", contentType: "application/x-www-form-urlencoded", body: "tags=VIP,GOLD", read: argTags, want: argL("VIP", "GOLD")},
		{name: "repeated form", contentType: "application/x-www-form-urlencoded", body: "tags=VIP&tags=GOLD", read: argTags, want: argL("VIP", "GOLD")},
		{name: "one empty value clears", target: "/x?tags=", read: argTags, want: argL()},
		{name: "empty parts are left for the domain to refuse", target: "/x?tags=VIP,", read: argTags, want: argL("VIP", "")},
		{name: "json array", contentType: "application/json", body: `{"tags":["VIP","GOLD"]}`, read: argTags, want: argL("VIP", "GOLD")},
		{name: "empty json array clears", contentType: "application/json", body: `{"tags":[]}`, read: argTags, want: argL()},
		{name: "json array elements are not trimmed", contentType: "application/json", body: `{"tags":[" VIP "]}`, read: argTags, want: argL(" VIP ")},
		{name: "absent", contentType: "application/json", body: `{}`, read: argTags, want: (*stringList)(nil)},
		{name: "json string", contentType: "application/json", body: `{"tags":"VIP"}`, read: argTags, want: (*stringList)(nil), wantProblems: bad},
		{name: "number inside", contentType: "application/json", body: `{"tags":["VIP",1]}`, read: argTags, want: (*stringList)(nil), wantProblems: bad},
		{name: "list inside", contentType: "application/json", body: `{"tags":[["VIP"]]}`, read: argTags, want: (*stringList)(nil), wantProblems: bad},
		{name: "null inside", contentType: "application/json", body: `{"tags":["VIP",null]}`, read: argTags, want: (*stringList)(nil), wantProblems: bad},
		{name: "null", contentType: "application/json", body: `{"tags":null}`, read: argTags, want: (*stringList)(nil), wantProblems: bad},
		{name: "object", contentType: "application/json", body: `{"tags":{"0":"VIP"}}`, read: argTags, want: (*stringList)(nil), wantProblems: bad},
	})
}

// Filters come in every MicroBase form; an empty part is kept for the use
// case to refuse (dropped, it would widen the filter), and only a JSON
// array can be the empty list.
func TestArguments_FiltersAlsoAcceptACommaSeparatedJSONString(t *testing.T) {
	argRunCases(t, []argCase{
		{name: "MicroBase docs example", contentType: "application/json", body: `{"id": "HkhhuXESl,HkhhuXES3"}`, read: argIDs, want: filter{"HkhhuXESl", "HkhhuXES3"}},
		{name: "parts trimmed, empty parts kept", contentType: "application/json", body: `{"id": " a, ,b ,"}`, read: argIDs, want: filter{"a", "", "b", ""}},
		{name: "empty string is one empty value", contentType: "application/json", body: `{"id": ""}`, read: argIDs, want: filter{""}},
		{name: "a comma is two empty values", contentType: "application/json", body: `{"id": ","}`, read: argIDs, want: filter{"", ""}},
		{name: "json array", contentType: "application/json", body: `{"id": ["a","b"]}`, read: argIDs, want: filter{"a", "b"}},
		{name: "empty json array is the empty list", contentType: "application/json", body: `{"id": []}`, read: argIDs, want: filter{}},
		{name: "json array elements trimmed, blank ones kept", contentType: "application/json", body: `{"id": ["a",""," "]}`, read: argIDs, want: filter{"a", "", ""}},
		{name: "json array elements are not split", contentType: "application/json", body: `{"id": ["a,b"]}`, read: argIDs, want: filter{"a,b"}},
		{name: "query", target: "/x?id=a,,b&id=c", read: argIDs, want: filter{"a", "", "b", "c"}},
		{name: "empty in the query", target: "/x?id=", read: argIDs, want: filter{""}},
		{name: "absent", read: argIDs, want: filter(nil)},
		{name: "number", contentType: "application/json", body: `{"id": 5}`, read: argIDs, want: filter(nil), wantProblems: []string{"id: must be a list of strings"}},
	})
}

// An integer argument is a JSON integer literal: a fraction or an
// exponent is refused, whatever its value.
func TestArguments_IntegersMustBeIntegral(t *testing.T) {
	notInt := []string{"version: must be an integer"}
	tooBig := []string{"version: is out of range"}
	body := func(n string) string { return `{"version": ` + n + `}` }
	argRunCases(t, []argCase{
		{name: "json integer", contentType: "application/json", body: body("5"), read: argVersion, want: argI(5)},
		{name: "exponent", contentType: "application/json", body: body("1e3"), read: argVersion, want: (*integer)(nil), wantProblems: notInt},
		{name: "integral fraction", contentType: "application/json", body: body("25.0"), read: argVersion, want: (*integer)(nil), wantProblems: notInt},
		{name: "negative exponent, integral", contentType: "application/json", body: body("100E-2"), read: argVersion, want: (*integer)(nil), wantProblems: notInt},
		{name: "negative zero", contentType: "application/json", body: body("-0"), read: argVersion, want: argI(0)},
		{name: "zero with a huge exponent", contentType: "application/json", body: body("0.0e999999999999"), read: argVersion, want: (*integer)(nil), wantProblems: notInt},
		{name: "largest", contentType: "application/json", body: body("9223372036854775807"), read: argVersion, want: argI(1<<63 - 1)},
		{name: "smallest", contentType: "application/json", body: body("-9223372036854775808"), read: argVersion, want: argI(-1 << 63)},
		{name: "smallest with exponent", contentType: "application/json", body: body("-9.223372036854775808e18"), read: argVersion, want: (*integer)(nil), wantProblems: notInt},
		{name: "beyond float precision", contentType: "application/json", body: body("9007199254740993"), read: argVersion, want: argI(9007199254740993)},
		{name: "fraction", contentType: "application/json", body: body("1.5"), read: argVersion, want: (*integer)(nil), wantProblems: notInt},
		{name: "small negative exponent", contentType: "application/json", body: body("1e-2"), read: argVersion, want: (*integer)(nil), wantProblems: notInt},
		{name: "huge negative exponent", contentType: "application/json", body: body("1e-99999999999"), read: argVersion, want: (*integer)(nil), wantProblems: notInt},
		{name: "string", contentType: "application/json", body: body(`"x"`), read: argVersion, want: (*integer)(nil), wantProblems: notInt},
		{name: "numeric string", contentType: "application/json", body: body(`"5"`), read: argVersion, want: (*integer)(nil), wantProblems: notInt},
		{name: "bool", contentType: "application/json", body: body("true"), read: argVersion, want: (*integer)(nil), wantProblems: notInt},
		{name: "null", contentType: "application/json", body: body("null"), read: argVersion, want: (*integer)(nil), wantProblems: notInt},
		{name: "one past the largest", contentType: "application/json", body: body("9223372036854775808"), read: argVersion, want: (*integer)(nil), wantProblems: tooBig},
		{name: "huge exponent", contentType: "application/json", body: body("1e19"), read: argVersion, want: (*integer)(nil), wantProblems: notInt},
		{name: "enormous exponent", contentType: "application/json", body: body("1e99999999999"), read: argVersion, want: (*integer)(nil), wantProblems: notInt},
		{name: "query", target: "/x?version=42", read: argVersion, want: argI(42)},
		{name: "negative query", target: "/x?version=-42", read: argVersion, want: argI(-42)},
		{name: "query not a number", target: "/x?version=4x", read: argVersion, want: (*integer)(nil), wantProblems: notInt},
		{name: "query exponent is not base 10", target: "/x?version=1e3", read: argVersion, want: (*integer)(nil), wantProblems: notInt},
		{name: "empty query value", target: "/x?version=", read: argVersion, want: (*integer)(nil), wantProblems: notInt},
		{name: "query out of range", target: "/x?version=99999999999999999999", read: argVersion, want: (*integer)(nil), wantProblems: tooBig},
		{name: "repeated query", target: "/x?version=1&version=2", read: argVersion, want: (*integer)(nil), wantProblems: []string{"version: must be given once"}},
	})
}

func TestArguments_ObjectsDecodeAndNameTheBadPath(t *testing.T) {
	addresses := argRead(func(r argTest) any { return r.Addresses })
	address := argRead(func(r argTest) any { return r.Address })
	problemsOnly := argRead(func(argTest) any { return nil })
	phone := int64(2173203531)
	one := int64(1)
	argRunCases(t, []argCase{
		{name: "list of objects, unknown fields ignored", contentType: "application/json",
			body: `{"addresses":[{"name":"Work","city":"Bloomington","phone":2173203531,"country":"US","id":"x"}]}`,
			read: addresses, want: []addressInput{{Name: "Work", City: "Bloomington", Phone: &phone, Country: "US"}}},
		{name: "phone as a string", contentType: "application/json", body: `{"addresses":[{"name":"Work","phone":"217"}]}`,
			read: problemsOnly, wantProblems: []string{"addresses[0].phone: must be a number"}},
		{name: "phone as a fraction in the second address", contentType: "application/json", body: `{"addresses":[{"name":"Home"},{"name":"Work","phone":1.5}]}`,
			read: problemsOnly, wantProblems: []string{"addresses[1].phone: must be an integer"}},
		{name: "name as an object", contentType: "application/json", body: `{"addresses":[{"name":{"$gt":""}}]}`,
			read: problemsOnly, wantProblems: []string{"addresses[0].name: must be a string"}},
		{name: "a number where an address is expected", contentType: "application/json", body: `{"addresses":[{},5]}`,
			read: problemsOnly, wantProblems: []string{"addresses[1]: must be an object"}},
		{name: "object where a list is expected", contentType: "application/json", body: `{"addresses":{"name":"Work"}}`,
			read: problemsOnly, wantProblems: []string{"addresses: must be a list"}},
		{name: "string where a list is expected", contentType: "application/json", body: `{"addresses":"Work"}`,
			read: problemsOnly, wantProblems: []string{"addresses: must be a list"}},
		{name: "null where an object is expected", contentType: "application/json", body: `{"address":null}`,
			read: problemsOnly, wantProblems: []string{"address: must be an object"}},
		{name: "list where an object is expected", contentType: "application/json", body: `{"address":[]}`,
			read: problemsOnly, wantProblems: []string{"address: must be an object"}},
		{name: "an id of the wrong type", contentType: "application/json", body: `{"address":{"id":7}}`,
			read: problemsOnly, wantProblems: []string{"address.id: must be a string"}},
		{name: "absent", contentType: "application/json", body: `{}`, read: address, want: (*addressUpdate)(nil)},
		{name: "JSON text in the query", target: "/x?address=" + url.QueryEscape(`{"id":"a","name":"Work","phone":1}`),
			read: address, want: &addressUpdate{ID: argS("a"), addressInput: addressInput{Name: "Work", Phone: &one}}},
		{name: "JSON text in a form", contentType: "application/x-www-form-urlencoded", body: "addresses=" + url.QueryEscape(` [{"name":"Work"}] `),
			read: addresses, want: []addressInput{{Name: "Work"}}},
		{name: "query text that is not JSON", target: "/x?address=Work",
			read: problemsOnly, wantProblems: []string{"address: is malformed JSON (at byte 0)"}},
		{name: "empty query text", target: "/x?address=",
			read: problemsOnly, wantProblems: []string{"address: must be JSON"}},
		{name: "query text with a repeated key", target: "/x?addresses=" + url.QueryEscape(`[{"name":"a","name":"b"}]`),
			read: problemsOnly, wantProblems: []string{"addresses[0].name: given more than once"}},
		{name: "query text nested too deep", target: "/x?address=" + url.QueryEscape(strings.Repeat("[", 40)+strings.Repeat("]", 40)),
			read: problemsOnly, wantProblems: []string{"address: is nested deeper than 32 levels"}},
		{name: "query text of the wrong shape", target: "/x?address=" + url.QueryEscape(`[]`),
			read: problemsOnly, wantProblems: []string{"address: must be an object"}},
		{name: "repeated query", target: "/x?address=%7B%7D&address=%7B%7D", read: problemsOnly, wantProblems: []string{"address: must be given once"}},
	})
}

// Every argument that cannot be read is named, in the order the request
// declares them, whatever the order of the body.
func TestArguments_EveryUnreadArgumentIsNamedInDeclarationOrder(t *testing.T) {
	r := argTestRequest("", "", "application/json", `{"version":1.5,"tags":"VIP","email":{"$ne":null},"id":5,"status":"ACTIVE"}`)
	_, got := argRead(func(argTest) any { return nil })(t, r)
	want := []string{"id: must be a string", "email: must be a string", "tags: must be a list of strings", "version: must be an integer"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
}

func TestArguments_RequiredArgumentsAbsentAreNamed(t *testing.T) {
	var req struct {
		ID    *string `json:"id" binding:"required"`
		Other *string `json:"other"`
		Email *string `json:"email" binding:"required"`
	}
	a, err := readArguments(httptest.NewRecorder(), argTestRequest("", "/x?email=", "application/json", `{"other":"x"}`), argTestMaxBody)
	if err != nil {
		t.Fatal(err)
	}
	if got := argMessages(t, domain.WithUnread(a.decode(&req, argumentFields(reflect.TypeOf(req))))); !reflect.DeepEqual(got, []string{"id: is required"}) {
		t.Errorf("problems %q, want id only: an empty email is present", got)
	}
}

func TestReadArguments_RefusesBodiesThatAreNotArguments(t *testing.T) {
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
		{name: "trailing comma", contentType: "application/json", body: `{"id":"x",}`, want: []string{"body: is malformed JSON (at byte 9)"}},
		{name: "single quotes", contentType: "application/json", body: `{'id':1}`, want: []string{"body: is malformed JSON (at byte 1)"}},
		{name: "leading zero", contentType: "application/json", body: `{"v":01}`, want: []string{"body: is malformed JSON (at byte 6)"}},
		{name: "bare fraction dot", contentType: "application/json", body: `{"v":1.}`, want: []string{"body: is malformed JSON (at byte 7)"}},
		{name: "bad literal", contentType: "application/json", body: `{"v":tru}`, want: []string{"body: is malformed JSON (at byte 8)"}},
		{name: "bad escape", contentType: "application/json", body: `{"v":"\x"}`, want: []string{"body: is malformed JSON (at byte 6)"}},
		{name: "raw control character in a string", contentType: "application/json", body: "{\"v\":\"a\tb\"}", want: []string{"body: is malformed JSON (at byte 7)"}},
		{name: "second document", contentType: "application/json", body: `{} {}`, want: []string{"body: is malformed JSON (at byte 3)"}},
		{name: "duplicate key", contentType: "application/json", body: `{"email":"a@b.c","email":"d@e.f"}`, want: []string{"email: given more than once"}},
		{name: "duplicate key spelled with an escape", contentType: "application/json", body: `{"email":"a@b.c","em\u0061il":"d@e.f"}`, want: []string{"email: given more than once"}},
		{name: "duplicate key in a list", contentType: "application/json", body: `{"addresses":[{"name":"a"},{"name":"b","name":"c"}]}`, want: []string{"addresses[1].name: given more than once"}},
		{name: "duplicate key deep inside", contentType: "application/json", body: `{"a":{"b":{"c":1,"c":2}}}`, want: []string{"a.b.c: given more than once"}},
		{name: "duplicate numeric key in an object", contentType: "application/json", body: `{"c":[{"0":1,"0":2}]}`, want: []string{"c[0].0: given more than once"}},
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
			_, err := readArguments(httptest.NewRecorder(), argTestRequest("", tc.target, tc.contentType, tc.body), argTestMaxBody)
			if got := argMessages(t, err); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("problems %q, want %q", got, tc.want)
			}
		})
	}
}

func TestReadArguments_InvalidUTF8InARawQuery(t *testing.T) {
	r := argTestRequest(http.MethodGet, "/x", "", "")
	r.URL.RawQuery = "id=a\xffb"
	_, err := readArguments(httptest.NewRecorder(), r, argTestMaxBody)
	if got, want := argMessages(t, err), []string{"query: must be valid UTF-8"}; !reflect.DeepEqual(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
}

// argOpaqueBody hides the reader's type, so httptest cannot learn the length
// and the request arrives like a chunked one.
type argOpaqueBody struct{ io.Reader }

func TestReadArguments_LimitsTheBody(t *testing.T) {
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
			a, err := readArguments(httptest.NewRecorder(), r, tc.max)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			var req argTest
			if a.decode(&req, argumentFields(reflect.TypeOf(req))); err == nil && (req.ID == nil || *req.ID != "a") {
				t.Errorf("id = %v, want a", req.ID)
			}
		})
	}
}

func TestReadArguments_LimitSetByAnEarlierMaxBytesReader(t *testing.T) {
	r := argTestRequest("", "", "application/json", `{"id":"abcdef"}`)
	r.ContentLength = -1
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 4)
	if _, err := readArguments(httptest.NewRecorder(), r, argTestMaxBody); !errors.Is(err, errPayloadTooLarge) {
		t.Fatalf("err = %v, want errPayloadTooLarge", err)
	}
}

// A body the client cut short or sent too slowly is the client's error:
// the service answers 400 or 408, never an internal error.
func TestReadArguments_ABodyCutShortOrTooSlowIsTheClientsError(t *testing.T) {
	timeout := &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
	for _, tc := range []struct {
		name    string
		readErr error
		check   func(error) bool
	}{
		{"ended before its Content-Length", io.ErrUnexpectedEOF, func(err error) bool {
			got := argMessages(t, err)
			return reflect.DeepEqual(got, []string{"body: was cut short"})
		}},
		{"connection reset", errors.New("read tcp: connection reset by peer"), func(err error) bool {
			got := argMessages(t, err)
			return reflect.DeepEqual(got, []string{"body: was cut short"})
		}},
		{"read deadline passed", timeout, func(err error) bool { return errors.Is(err, errRequestTimeout) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := argTestRequest("", "", "application/json", "")
			r.Body = io.NopCloser(io.MultiReader(strings.NewReader(`{"id":`), iotest.ErrReader(tc.readErr)))
			r.ContentLength = 100
			if _, err := readArguments(httptest.NewRecorder(), r, argTestMaxBody); !tc.check(err) {
				t.Fatalf("err = %v", err)
			}
		})
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
			got, problems := argTags(t, argTestRequest("", tc.target, tc.contentType, tc.body))
			if problems != nil {
				t.Fatal(problems)
			}
			if l := got.(*stringList); l == nil || !reflect.DeepEqual([]string(*l), parts) {
				t.Errorf("got a list of %d, want the %d tags in order", len(*l), n)
			}
		})
	}
}

// BenchmarkDecodeArguments_UpdateBody measures what a customer.update
// costs in argument decoding: reading the body and the request type.
func BenchmarkDecodeArguments_UpdateBody(b *testing.B) {
	body := strings.NewReader(argUpdateBody)
	r := httptest.NewRequest(http.MethodPost, "/services/customer/v1/customer.update", body)
	r.Header.Set("Content-Type", "application/json")
	r.Body = io.NopCloser(body)
	w := httptest.NewRecorder()
	b.ReportAllocs()
	b.SetBytes(int64(len(argUpdateBody)))
	for b.Loop() {
		body.Reset(argUpdateBody)
		a, err := readArguments(w, r, argTestMaxBody)
		if err != nil {
			b.Fatal(err)
		}
		var req customerUpdateRequest
		if unread := a.decode(&req, argumentFields(reflect.TypeOf(req))); unread != nil {
			b.Fatal(unread)
		}
	}
}
