package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/test/support/servicetest"
)

// hostileAddress is the one address of the suite's customer, written out
// so that a request can send it back unchanged.
const hostileAddress = `"name":"Work","firstName":"John","lastName":"Doe","address_1":"1650 Bolman Court",` +
	`"address_2":"Number 10","postCode":"61701","city":"Bloomington","state":"Illinois","country":"US",` +
	`"company":"My Company","phone":2173203531,"instructions":"Some Instructions"`

const (
	hostilePassword = "john-s3cret-pass"
	newCustomerJSON = `"password":"new-s3cret-pass","firstName":"New","lastName":"Customer"`
	objectID        = "507f1f77bcf86cd799439011"
	// noMatch is customer.list's answer when nothing matches.
	noMatch = `{"ok":true,"page":{"limit":10,"skip":0},"data":[]}`
)

// hostileRequest is one call a hostile or broken client makes, and the
// precise answer it gets. In target, body and answer, {john} and {jane}
// are the customers' ids, {address} John's address id, {johnInfo} the
// answer of customer.info for John and {listAll} that of an unfiltered
// customer.list.
type hostileRequest struct {
	name       string
	httpMethod string // POST when empty
	target     string // the method, optionally followed by "?query"
	// contentType defaults to JSON when there is a body; "form" is short
	// for application/x-www-form-urlencoded.
	contentType string
	body        string

	status int
	code   string // the error code; empty for a success
	data   string // the exact JSON of data; empty for none
	answer string // for a success, the exact body
}

// validation is the data of a validation_error naming each message.
func validation(messages ...string) string {
	b, err := json.Marshal(messages)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// nested is JSON nested depth levels deep.
func nested(depth int) string {
	return strings.Repeat("[", depth) + strings.Repeat("]", depth)
}

// manyStrings is a JSON list of n distinct strings.
func manyStrings(n int, prefix string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("%q", fmt.Sprint(prefix, i))
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// commaSeparated is n distinct values in one comma-separated parameter.
func commaSeparated(n int, prefix string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprint(prefix, i)
	}
	return strings.Join(parts, ",")
}

// oneMiB is a string as long as the largest body the service reads.
var oneMiB = strings.Repeat("x", 1<<20)

// almostOneMiB leaves room for the rest of a body within the limit.
var almostOneMiB = strings.Repeat("x", 1<<20-512)

// hostileRequests are the requests of the list, for every method
// each applies to. None may write anything; none may reach the database
// as an operator.
var hostileRequests = []hostileRequest{
	// MongoDB operators where strings belong are refused by type before
	// any query is built.
	{name: "info id $ne", target: "customer.info", body: `{"id":{"$ne":null}}`,
		status: 400, code: "validation_error", data: validation("id: must be a string")},
	{name: "info id $gt", target: "customer.info", body: `{"id":{"$gt":""}}`,
		status: 400, code: "validation_error", data: validation("id: must be a string")},
	{name: "info id $regex", target: "customer.info", body: `{"id":{"$regex":".*"}}`,
		status: 400, code: "validation_error", data: validation("id: must be a string")},
	{name: "remove id $ne", target: "customer.remove", body: `{"id":{"$ne":null}}`,
		status: 400, code: "validation_error", data: validation("id: must be a string")},
	{name: "update id $ne", target: "customer.update", body: `{"id":{"$ne":null},"status":"INACTIVE"}`,
		status: 400, code: "validation_error", data: validation("id: must be a string")},
	{name: "update email $gt", target: "customer.update", body: `{"id":"{john}","email":{"$gt":""}}`,
		status: 400, code: "validation_error", data: validation("email: must be a string")},
	{name: "update tags $each", target: "customer.update", body: `{"id":"{john}","tags":{"$each":["x"]}}`,
		status: 400, code: "validation_error", data: validation("tags: must be a list of strings")},
	{name: "update tags holding an operator", target: "customer.update", body: `{"id":"{john}","tags":[{"$ne":null}]}`,
		status: 400, code: "validation_error", data: validation("tags: must be a list of strings")},
	{name: "update version $gt", target: "customer.update", body: `{"id":"{john}","version":{"$gt":0},"lastName":"Smith"}`,
		status: 400, code: "validation_error", data: validation("version: must be an integer")},
	{name: "create email $gt", target: "customer.create", body: `{"email":{"$gt":""},` + newCustomerJSON + `}`,
		status: 400, code: "validation_error", data: validation("email: must be a string")},
	{name: "create firstName $ne", target: "customer.create", body: `{"email":"new@example.com","password":"new-s3cret-pass","firstName":{"$ne":null},"lastName":"Customer"}`,
		status: 400, code: "validation_error", data: validation("firstName: must be a string")},
	{name: "create status $ne", target: "customer.create", body: `{"email":"new@example.com",` + newCustomerJSON + `,"status":{"$ne":"ACTIVE"}}`,
		status: 400, code: "validation_error", data: validation("status: must be a string")},
	{name: "list id $ne", target: "customer.list", body: `{"id":{"$ne":null}}`,
		status: 400, code: "validation_error", data: validation("id: must be a list of strings")},
	{name: "list email $gt", target: "customer.list", body: `{"email":{"$gt":""}}`,
		status: 400, code: "validation_error", data: validation("email: must be a list of strings")},
	{name: "list email list holding $gt", target: "customer.list", body: `{"email":[{"$gt":""}]}`,
		status: 400, code: "validation_error", data: validation("email: must be a list of strings")},
	{name: "list status $ne", target: "customer.list", body: `{"status":{"$ne":"INACTIVE"}}`,
		status: 400, code: "validation_error", data: validation("status: must be a list of strings")},
	{name: "list tags $in", target: "customer.list", body: `{"tags":{"$in":["VIP"]}}`,
		status: 400, code: "validation_error", data: validation("tags: must be a list of strings")},
	{name: "list limit $gt", target: "customer.list", body: `{"limit":{"$gt":0}}`,
		status: 400, code: "validation_error", data: validation("limit: must be an integer")},
	{name: "checkCredentials email $gt, password $ne", target: "customer.checkCredentials", body: `{"email":{"$gt":""},"password":{"$ne":null}}`,
		status: 400, code: "validation_error", data: validation("email: must be a string", "password: must be a string")},
	{name: "checkCredentials password $ne", target: "customer.checkCredentials", body: `{"email":"john.doe@gmail.com","password":{"$ne":null}}`,
		status: 400, code: "validation_error", data: validation("password: must be a string")},
	{name: "address.create customerId $ne", target: "customer.address.create", body: `{"customerId":{"$ne":null},"addresses":[{` + hostileAddress + `}]}`,
		status: 400, code: "validation_error", data: validation("customerId: must be a string")},
	{name: "address.create country $ne", target: "customer.address.create",
		body:   `{"customerId":"{john}","addresses":[{"name":"Home","firstName":"John","address_1":"1 Main St","postCode":"1","city":"C","state":"S","country":{"$ne":null}}]}`,
		status: 400, code: "validation_error", data: validation("addresses[0].country: must be a string")},
	{name: "address.info addressId $ne", target: "customer.address.info", body: `{"customerId":"{john}","addressId":{"$ne":null}}`,
		status: 400, code: "validation_error", data: validation("addressId: must be a string")},
	{name: "address.update address id $ne", target: "customer.address.update", body: `{"customerId":"{john}","address":{"id":{"$ne":null},` + hostileAddress + `}}`,
		status: 400, code: "validation_error", data: validation("address.id: must be a string")},
	{name: "address.update customerId $gt", target: "customer.address.update", body: `{"customerId":{"$gt":""},"address":{"id":"{address}",` + hostileAddress + `}}`,
		status: 400, code: "validation_error", data: validation("customerId: must be a string")},
	{name: "address.remove customerId $ne", target: "customer.address.remove", body: `{"customerId":{"$ne":null},"addressId":"{address}"}`,
		status: 400, code: "validation_error", data: validation("customerId: must be a string")},
	{name: "address.remove addressId $gt", target: "customer.address.remove", body: `{"customerId":"{john}","addressId":{"$gt":""}}`,
		status: 400, code: "validation_error", data: validation("addressId: must be a string")},

	// The bracket notation of Node's qs (id[$ne]=x) names another argument
	// here: it is not parsed into an object.
	{name: "info ?id[$ne]=", httpMethod: "GET", target: "customer.info?id%5B%24ne%5D=x",
		status: 400, code: "validation_error", data: validation("id: is required")},
	{name: "remove form id[$ne]=", target: "customer.remove", contentType: "form", body: "id%5B%24ne%5D=x",
		status: 400, code: "validation_error", data: validation("id: is required")},
	{name: "checkCredentials form email[$gt]= password[$ne]=", target: "customer.checkCredentials", contentType: "form", body: "email%5B%24gt%5D=&password%5B%24ne%5D=x",
		status: 400, code: "validation_error", data: validation("email: is required", "password: is required")},
	{name: "update form id[$ne]=", target: "customer.update", contentType: "form", body: "id%5B%24ne%5D=&lastName=Smith",
		status: 400, code: "validation_error", data: validation("id: is required")},
	{name: "list ?id[$ne]= is an unknown argument", httpMethod: "GET", target: "customer.list?id%5B%24ne%5D=x&email=nobody@example.com",
		status: 200, answer: noMatch},

	// Operator text inside a string is a string, looked up as it is.
	{name: "list id holding operator JSON text", httpMethod: "GET", target: `customer.list?id=%7B%22%24ne%22%3Anull%7D`,
		status: 200, answer: noMatch},
	{name: "list email holding operator JSON text", target: "customer.list", body: `{"email":"{\"$gt\":\"\"}"}`,
		status: 200, answer: noMatch},
	{name: "list tags $ne as a string", target: "customer.list", body: `{"tags":["$ne","$exists"]}`,
		status: 200, answer: noMatch},
	{name: "list status $ne as a string", target: "customer.list", body: `{"status":"$ne"}`,
		status: 400, code: "validation_error", data: validation("status: must be ACTIVE or INACTIVE")},
	{name: "info id holding operator JSON text", target: "customer.info", body: `{"id":"{\"$ne\":null}"}`,
		status: 404, code: "customer_not_found", data: `{"id":"{\"$ne\":null}"}`},
	{name: "info id $where", target: "customer.info", body: `{"id":"$where"}`,
		status: 404, code: "customer_not_found", data: `{"id":"$where"}`},
	{name: "remove id holding operator JSON text", target: "customer.remove", body: `{"id":"{\"$ne\":null}"}`,
		status: 404, code: "customer_not_found", data: `{"id":"{\"$ne\":null}"}`},
	{name: "update id holding operator JSON text", httpMethod: "GET", target: `customer.update?id=%7B%22%24ne%22%3Anull%7D&lastName=Smith`,
		status: 404, code: "customer_not_found", data: `{"id":"{\"$ne\":null}"}`},
	{name: "checkCredentials email holding operator JSON text", target: "customer.checkCredentials", body: `{"email":"{\"$gt\":\"\"}","password":"` + hostilePassword + `"}`,
		status: 401, code: "bad_credentials"},
	{name: "address.info ids holding operators", target: "customer.address.info", body: `{"customerId":"$ne","addressId":"$gt"}`,
		status: 404, code: "customer_not_found", data: `{"id":"$ne"}`},

	// $- and dot-keys are unknown arguments, ignored: they cannot name a
	// stored field or an update operator.
	{name: "update with $set, $unset, $rename", target: "customer.update",
		body:   `{"id":"{john}","$set":{"status":"INACTIVE","password":"x"},"$unset":{"email":""},"$rename":{"email":"e"},"$inc":{"version":5}}`,
		status: 200, answer: "{johnInfo}"},
	{name: "update with dotted and positional keys", target: "customer.update",
		body:   `{"id":"{john}","status.$":"INACTIVE","tags.0":"x","addresses.0.city":"Paris","addresses.$[].city":"Paris","$where":"this.status"}`,
		status: 200, answer: "{johnInfo}"},
	{name: "info with $where and id.$ne only", target: "customer.info", body: `{"$where":"1 == 1","id.$ne":null}`,
		status: 400, code: "validation_error", data: validation("id: is required")},
	{name: "remove with $where and $or only", target: "customer.remove", body: `{"$where":"true","$or":[{}],"_id":{"$exists":true}}`,
		status: 400, code: "validation_error", data: validation("id: is required")},
	{name: "list with $where, $or and a dotted key", target: "customer.list",
		body:   `{"$where":"true","$or":[{}],"tags.0":"VIP","id":"nobody"}`,
		status: 200, answer: noMatch},
	{name: "create with only operator keys", target: "customer.create",
		body:   `{"$set":{"email":"x@example.com"},"email.$":"y@example.com","$setOnInsert":{"status":"ACTIVE"}}`,
		status: 400, code: "validation_error", data: validation("email: is required", "password: is required", "firstName: is required", "lastName: is required")},
	{name: "address.update with $-keys inside the address", target: "customer.address.update",
		body:   `{"customerId":"{john}","address":{"id":"{address}",` + hostileAddress + `,"$set":{"city":"Paris"},"city.$":"Paris","$unset":{"id":""}}}`,
		status: 200, answer: "{johnInfo}"},
	{name: "address.create with only $-keys", target: "customer.address.create",
		body:   `{"customerId":"{john}","addresses":[{"$set":{"name":"x"},"name.$":"y"}]}`,
		status: 400, code: "validation_error",
		data: validation("addresses[0].name: must not be empty", "addresses[0].firstName: must not be empty", "addresses[0].address_1: must not be empty",
			"addresses[0].postCode: must not be empty", "addresses[0].city: must not be empty", "addresses[0].state: must not be empty",
			"addresses[0].country: must not be empty")},
	{name: "checkCredentials with $where", target: "customer.checkCredentials",
		body:   `{"email":"john.doe@gmail.com","password":"wrong-pass-word","$where":"true","password.$ne":null}`,
		status: 401, code: "bad_credentials"},

	// NUL bytes: refused as control characters; in lookups they are part
	// of the value, never where it ends.
	{name: "info id with NUL", target: "customer.info", body: `{"id":"{john}\u0000"}`,
		status: 400, code: "validation_error", data: validation("id: must not contain control characters")},
	{name: "info id with NUL in the query", httpMethod: "GET", target: "customer.info?id={john}%00",
		status: 400, code: "validation_error", data: validation("id: must not contain control characters")},
	{name: "remove id with NUL", target: "customer.remove", body: `{"id":"{john}\u0000"}`,
		status: 400, code: "validation_error", data: validation("id: must not contain control characters")},
	{name: "update id with NUL", target: "customer.update", body: `{"id":"{john}\u0000x","lastName":"Smith"}`,
		status: 400, code: "validation_error", data: validation("id: must not contain control characters")},
	{name: "update lastName with NUL", target: "customer.update", body: `{"id":"{john}","lastName":"Smith\u0000"}`,
		status: 400, code: "validation_error", data: validation("lastName: must not contain control characters")},
	{name: "update tag with NUL", target: "customer.update", body: `{"id":"{john}","tags":["VIP\u0000admin"]}`,
		status: 400, code: "validation_error", data: validation("tags: each tag must not contain control characters")},
	{name: "update email with NUL", target: "customer.update", body: `{"id":"{john}","email":"jane@example.com\u0000"}`,
		status: 400, code: "customer_invalid_email", data: `{"email":"jane@example.com\u0000"}`},
	{name: "create email with NUL", target: "customer.create", body: `{"email":"new@example.com\u0000.evil",` + newCustomerJSON + `}`,
		status: 400, code: "customer_invalid_email", data: `{"email":"new@example.com\u0000.evil"}`},
	{name: "create firstName with NUL", target: "customer.create", body: `{"email":"new@example.com","password":"new-s3cret-pass","firstName":"N\u0000ew","lastName":"Customer"}`,
		status: 400, code: "validation_error", data: validation("firstName: must not contain control characters")},
	{name: "list id with NUL", target: "customer.list", body: `{"id":["{john}\u0000"]}`,
		status: 400, code: "validation_error", data: validation("id: must not contain control characters")},
	{name: "list email with NUL", target: "customer.list", body: `{"email":"john.doe@gmail.com\u0000"}`,
		status: 200, answer: noMatch},
	{name: "list tag with NUL", target: "customer.list", body: `{"tags":["VIP\u0000"]}`,
		status: 200, answer: noMatch},
	{name: "checkCredentials password with NUL after it", target: "customer.checkCredentials", body: `{"email":"john.doe@gmail.com","password":"` + hostilePassword + `\u0000"}`,
		status: 401, code: "bad_credentials"},
	{name: "checkCredentials email with NUL", target: "customer.checkCredentials", body: `{"email":"john.doe@gmail.com\u0000","password":"` + hostilePassword + `"}`,
		status: 401, code: "bad_credentials"},
	{name: "address.info addressId with NUL", target: "customer.address.info", body: `{"customerId":"{john}","addressId":"{address}\u0000"}`,
		status: 400, code: "validation_error", data: validation("addressId: must not contain control characters")},
	{name: "address.create city with NUL", target: "customer.address.create",
		body:   `{"customerId":"{john}","addresses":[{"name":"Home","firstName":"John","address_1":"1 Main St","postCode":"1","city":"C\u0000","state":"S","country":"US"}]}`,
		status: 400, code: "validation_error", data: validation("addresses[0].city: must not contain control characters")},
	{name: "address.remove ids with NUL", target: "customer.address.remove", body: `{"customerId":"{john}\u0000","addressId":"{address}\u0000"}`,
		status: 400, code: "validation_error", data: validation("customerId: must not contain control characters", "addressId: must not contain control characters")},
	{name: "argument name with NUL", target: "customer.info", body: `{"id\u0000":"{john}"}`,
		status: 400, code: "validation_error", data: validation("id: is required")},

	// 1 MiB strings: a body past the limit is refused unread, as is a
	// request line past the header limit; a string that fits is refused by
	// the length rules.
	{name: "update lastName of 1 MiB", target: "customer.update", body: `{"id":"{john}","lastName":"` + oneMiB + `"}`,
		status: 413, code: "payload_too_large"},
	{name: "create firstName of 1 MiB", target: "customer.create", body: `{"email":"new@example.com","password":"new-s3cret-pass","lastName":"C","firstName":"` + oneMiB + `"}`,
		status: 413, code: "payload_too_large"},
	{name: "checkCredentials form password of 1 MiB", target: "customer.checkCredentials", contentType: "form", body: "email=john.doe@gmail.com&password=" + oneMiB,
		status: 413, code: "payload_too_large"},
	{name: "update with a query of 65 KiB", target: "customer.update?id={john}&lastName=" + strings.Repeat("x", 65<<10),
		status: 431, code: "header_too_large"},
	{name: "create firstName of almost 1 MiB", target: "customer.create", body: `{"email":"new@example.com","password":"new-s3cret-pass","lastName":"C","firstName":"` + almostOneMiB + `"}`,
		status: 400, code: "validation_error", data: validation("firstName: must be at most 100 characters")},
	{name: "create password of almost 1 MiB", target: "customer.create", body: `{"email":"new@example.com","password":"` + almostOneMiB + `","firstName":"New","lastName":"C"}`,
		status: 400, code: "validation_error", data: validation("password: must be 8 to 72 bytes long")},
	{name: "update tag of almost 1 MiB", target: "customer.update", body: `{"id":"{john}","tags":["` + almostOneMiB + `"]}`,
		status: 400, code: "validation_error", data: validation("tags: each tag must be at most 64 characters")},
	{name: "info id of almost 1 MiB", target: "customer.info", body: `{"id":"` + almostOneMiB + `"}`,
		status: 400, code: "validation_error", data: validation("id: must be at most 128 bytes")},
	{name: "list id of almost 1 MiB", target: "customer.list", body: `{"id":"` + almostOneMiB + `"}`,
		status: 400, code: "validation_error", data: validation("id: must be at most 128 bytes")},
	{name: "list tag of almost 1 MiB", target: "customer.list", body: `{"tags":"` + almostOneMiB + `"}`,
		status: 200, answer: noMatch},
	{name: "checkCredentials password of almost 1 MiB", target: "customer.checkCredentials", body: `{"email":"john.doe@gmail.com","password":"` + hostilePassword + almostOneMiB + `"}`,
		status: 401, code: "bad_credentials"},
	{name: "address.create instructions of almost 1 MiB", target: "customer.address.create",
		body:   `{"customerId":"{john}","addresses":[{"name":"Home","firstName":"John","address_1":"1 Main St","postCode":"1","city":"C","state":"S","country":"US","instructions":"` + almostOneMiB + `"}]}`,
		status: 400, code: "validation_error", data: validation("addresses[0].instructions: must be at most 1000 characters")},

	// 10,000-element lists.
	{name: "update with 10,000 tags", target: "customer.update", body: `{"id":"{john}","tags":` + manyStrings(10000, "t") + `}`,
		status: 400, code: "validation_error", data: validation("tags: must hold at most 50 tags")},
	{name: "create with 10,000 tags", target: "customer.create", body: `{"email":"new@example.com",` + newCustomerJSON + `,"tags":` + manyStrings(10000, "t") + `}`,
		status: 400, code: "validation_error", data: validation("tags: must hold at most 50 tags")},
	{name: "update with 10,000 comma-separated tags in a form", target: "customer.update", contentType: "form", body: "id={john}&tags=" + commaSeparated(10000, "t"),
		status: 400, code: "validation_error", data: validation("tags: must hold at most 50 tags")},
	{name: "update with 10,000 comma-separated tags in the query", httpMethod: "GET", target: "customer.update?id={john}&tags=" + commaSeparated(10000, "t"),
		status: 400, code: "validation_error", data: validation("tags: must hold at most 50 tags")},
	{name: "update with 10,000 repeated tags in a form", target: "customer.update", contentType: "form", body: "id={john}&tags=" + strings.Repeat("t&tags=", 9999) + "t",
		status: 400, code: "validation_error", data: validation("body: has more than 10000 parameters")},
	{name: "address.create with 10,000 addresses", target: "customer.address.create", body: `{"customerId":"{john}","addresses":[` + strings.Repeat("{},", 9999) + `{}]}`,
		status: 400, code: "validation_error", data: validation("addresses: a customer has at most 50 addresses")},
	{name: "create with 10,000 addresses", target: "customer.create", body: `{"email":"new@example.com",` + newCustomerJSON + `,"addresses":[` + strings.Repeat("{},", 9999) + `{}]}`,
		status: 400, code: "validation_error", data: validation("addresses: a customer has at most 50 addresses")},
	// A filter is a list of values to match, not something stored: the
	// spec sets no bound on it, and the body limit bounds the work (a
	// whole MiB of values is one $in of plain strings).
	{name: "list with 10,000 tags", target: "customer.list", body: `{"tags":` + manyStrings(10000, "t") + `}`,
		status: 400, code: "validation_error", data: validation("tags: must hold at most 100 values")},
	{name: "list with 10,000 ids", target: "customer.list", body: `{"id":` + manyStrings(10000, "id") + `}`,
		status: 400, code: "validation_error", data: validation("id: must hold at most 100 values")},
	{name: "list with 5,000 comma-separated emails, as many as the query holds", httpMethod: "GET", target: "customer.list?email=" + commaSeparated(5000, "e@x.io"),
		status: 400, code: "validation_error", data: validation("email: must hold at most 100 values")},
	{name: "list with 100 ids, the most a filter takes", target: "customer.list", body: `{"id":` + manyStrings(100, "id") + `}`,
		status: 200, answer: noMatch},

	// JSON nested 10,000 deep is refused by the scanner at depth 32,
	// wherever it is, known argument or not.
	{name: "update tags nested 10,000 deep", target: "customer.update", body: `{"id":"{john}","tags":` + nested(10000) + `}`,
		status: 400, code: "validation_error", data: validation("body: is nested deeper than 32 levels")},
	{name: "info with an unknown argument nested 10,000 deep", target: "customer.info", body: `{"id":"{john}","x":` + nested(10000) + `}`,
		status: 400, code: "validation_error", data: validation("body: is nested deeper than 32 levels")},
	{name: "create addresses nested 10,000 deep", target: "customer.create", body: `{"email":"new@example.com",` + newCustomerJSON + `,"addresses":` + nested(10000) + `}`,
		status: 400, code: "validation_error", data: validation("body: is nested deeper than 32 levels")},
	{name: "list objects nested 10,000 deep", target: "customer.list", body: `{"tags":` + strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000) + `}`,
		status: 400, code: "validation_error", data: validation("body: is nested deeper than 32 levels")},
	{name: "checkCredentials nested 10,000 deep", target: "customer.checkCredentials", body: `{"email":` + nested(10000) + `,"password":"x"}`,
		status: 400, code: "validation_error", data: validation("body: is nested deeper than 32 levels")},
	{name: "address.update address nested 10,000 deep in the query", httpMethod: "GET", target: "customer.address.update?customerId={john}&address=" + nested(10000),
		status: 400, code: "validation_error", data: validation("address: is nested deeper than 32 levels")},
	{name: "address.create addresses nested 10,000 deep in a form", target: "customer.address.create", contentType: "form", body: "customerId={john}&addresses=" + nested(10000),
		status: 400, code: "validation_error", data: validation("addresses: is nested deeper than 32 levels")},

	// Duplicate keys: which one counts would depend on the decoder, so
	// neither does.
	{name: "update id twice", target: "customer.update", body: `{"id":"{jane}","id":"{john}","lastName":"Smith"}`,
		status: 400, code: "validation_error", data: validation("id: given more than once")},
	{name: "remove id twice", target: "customer.remove", body: `{"id":"{jane}","id":"{john}"}`,
		status: 400, code: "validation_error", data: validation("id: given more than once")},
	{name: "create email twice", target: "customer.create", body: `{"email":"a@example.com","email":"b@example.com",` + newCustomerJSON + `}`,
		status: 400, code: "validation_error", data: validation("email: given more than once")},
	{name: "checkCredentials password twice", target: "customer.checkCredentials", body: `{"email":"john.doe@gmail.com","password":"wrong-pass-word","password":"` + hostilePassword + `"}`,
		status: 400, code: "validation_error", data: validation("password: given more than once")},
	{name: "address.update address id twice", target: "customer.address.update", body: `{"customerId":"{john}","address":{"id":"{address}","id":"other",` + hostileAddress + `}}`,
		status: 400, code: "validation_error", data: validation("address.id: given more than once")},
	{name: "address.create country twice", target: "customer.address.create",
		body:   `{"customerId":"{john}","addresses":[{"name":"Home","firstName":"John","address_1":"1 Main St","postCode":"1","city":"C","state":"S","country":"US","country":"FR"}]}`,
		status: 400, code: "validation_error", data: validation("addresses[0].country: given more than once")},
	{name: "list tags twice", target: "customer.list", body: `{"tags":["VIP"],"tags":["nothing"]}`,
		status: 400, code: "validation_error", data: validation("tags: given more than once")},
	{name: "remove id twice in the query", httpMethod: "GET", target: "customer.remove?id={jane}&id={john}",
		status: 400, code: "validation_error", data: validation("id: must be given once")},
	{name: "info id twice in a form", target: "customer.info", contentType: "form", body: "id={jane}&id={john}",
		status: 400, code: "validation_error", data: validation("id: must be given once")},
	{name: "address.remove addressId twice in a form", target: "customer.address.remove", contentType: "form", body: "customerId={john}&addressId={address}&addressId=x",
		status: 400, code: "validation_error", data: validation("addressId: must be given once")},

	// Invalid UTF-8 anywhere in a body or a query.
	{name: "update JSON body with a 0xff byte", target: "customer.update", body: "{\"id\":\"{john}\",\"lastName\":\"Sm\xffith\"}",
		status: 400, code: "validation_error", data: validation("body: must be valid UTF-8")},
	{name: "create JSON body with an overlong slash", target: "customer.create", body: "{\"email\":\"new@example.com\"," + newCustomerJSON + ",\"tags\":[\"\xc0\xaf\"]}",
		status: 400, code: "validation_error", data: validation("body: must be valid UTF-8")},
	{name: "create JSON body with a UTF-8 encoded surrogate", target: "customer.create", body: "{\"email\":\"new@example.com\"," + newCustomerJSON + ",\"status\":\"\xed\xa0\x80\"}",
		status: 400, code: "validation_error", data: validation("body: must be valid UTF-8")},
	{name: "create form body with %ff", target: "customer.create", contentType: "form", body: "email=new%40example.com&password=new-s3cret-pass&firstName=%ff&lastName=C",
		status: 400, code: "validation_error", data: validation("body: must be valid UTF-8")},
	{name: "checkCredentials form password with %c3%28", target: "customer.checkCredentials", contentType: "form", body: "email=john.doe%40gmail.com&password=" + hostilePassword + "%c3%28",
		status: 400, code: "validation_error", data: validation("body: must be valid UTF-8")},
	{name: "info query with %ff%fe", httpMethod: "GET", target: "customer.info?id=%ff%fe",
		status: 400, code: "validation_error", data: validation("query: must be valid UTF-8")},
	{name: "list query tag with %ff", httpMethod: "GET", target: "customer.list?tags=%ff",
		status: 400, code: "validation_error", data: validation("query: must be valid UTF-8")},
	{name: "remove query name with %ff", httpMethod: "GET", target: "customer.remove?%ff=1&id={john}",
		status: 400, code: "validation_error", data: validation("query: must be valid UTF-8")},
	{name: "address.info raw 0xff in a JSON key", target: "customer.address.info", body: "{\"customerId\":\"{john}\",\"address\xffId\":\"{address}\"}",
		status: 400, code: "validation_error", data: validation("body: must be valid UTF-8")},

	// Numbers where strings belong and the reverse.
	{name: "info id as a number", target: "customer.info", body: `{"id":507}`,
		status: 400, code: "validation_error", data: validation("id: must be a string")},
	{name: "remove id as an exponent", target: "customer.remove", body: `{"id":1e3}`,
		status: 400, code: "validation_error", data: validation("id: must be a string")},
	{name: "update id as a list", target: "customer.update", body: `{"id":["{john}"],"lastName":"Smith"}`,
		status: 400, code: "validation_error", data: validation("id: must be a string")},
	{name: "update names as a number and a boolean", target: "customer.update", body: `{"id":"{john}","firstName":1,"lastName":true}`,
		status: 400, code: "validation_error", data: validation("firstName: must be a string", "lastName: must be a string")},
	{name: "update tags as a string", target: "customer.update", body: `{"id":"{john}","tags":"VIP"}`,
		status: 400, code: "validation_error", data: validation("tags: must be a list of strings")},
	{name: "update tags of numbers", target: "customer.update", body: `{"id":"{john}","tags":[1,2]}`,
		status: 400, code: "validation_error", data: validation("tags: must be a list of strings")},
	{name: "update version as a string", target: "customer.update", body: `{"id":"{john}","version":"0","lastName":"Smith"}`,
		status: 400, code: "validation_error", data: validation("version: must be an integer")},
	{name: "update version as a fraction", target: "customer.update", body: `{"id":"{john}","version":0.5,"lastName":"Smith"}`,
		status: 400, code: "validation_error", data: validation("version: must be an integer")},
	{name: "create password as a number", target: "customer.create", body: `{"email":"new@example.com","password":12345678,"firstName":"New","lastName":"C"}`,
		status: 400, code: "validation_error", data: validation("password: must be a string")},
	{name: "create email as a number", target: "customer.create", body: `{"email":42,` + newCustomerJSON + `}`,
		status: 400, code: "validation_error", data: validation("email: must be a string")},
	{name: "list limit and skip as strings", target: "customer.list", body: `{"limit":"10","skip":"0"}`,
		status: 400, code: "validation_error", data: validation("limit: must be an integer", "skip: must be an integer")},
	{name: "list limit as a word in the query", httpMethod: "GET", target: "customer.list?limit=ten",
		status: 400, code: "validation_error", data: validation("limit: must be an integer")},
	{name: "list status as a number", target: "customer.list", body: `{"status":1}`,
		status: 400, code: "validation_error", data: validation("status: must be a list of strings")},
	{name: "checkCredentials email and password as numbers", target: "customer.checkCredentials", body: `{"email":1,"password":2}`,
		status: 400, code: "validation_error", data: validation("email: must be a string", "password: must be a string")},
	{name: "address.create phone as a string", target: "customer.address.create",
		body:   `{"customerId":"{john}","addresses":[{"name":"Home","firstName":"John","address_1":"1 Main St","postCode":"1","city":"C","state":"S","country":"US","phone":"2173203531"}]}`,
		status: 400, code: "validation_error", data: validation("addresses[0].phone: must be a number")},
	{name: "address.create postCode as a number", target: "customer.address.create",
		body:   `{"customerId":"{john}","addresses":[{"name":"Home","firstName":"John","address_1":"1 Main St","postCode":61701,"city":"C","state":"S","country":"US"}]}`,
		status: 400, code: "validation_error", data: validation("addresses[0].postCode: must be a string")},
	{name: "address.info ids as numbers", target: "customer.address.info", body: `{"customerId":123,"addressId":456}`,
		status: 400, code: "validation_error", data: validation("customerId: must be a string", "addressId: must be a string")},
	{name: "address.update address as a string", target: "customer.address.update", body: `{"customerId":"{john}","address":"{address}"}`,
		status: 400, code: "validation_error", data: validation("address: must be an object")},

	// An id that looks like an ObjectId is an opaque string like any
	// other: no match, no conversion, no 500.
	{name: "info ObjectId-looking id", target: "customer.info", body: `{"id":"` + objectID + `"}`,
		status: 404, code: "customer_not_found", data: `{"id":"` + objectID + `"}`},
	{name: "update ObjectId-looking id", target: "customer.update", body: `{"id":"` + objectID + `","lastName":"Smith"}`,
		status: 404, code: "customer_not_found", data: `{"id":"` + objectID + `"}`},
	{name: "remove ObjectId-looking id", target: "customer.remove", body: `{"id":"` + objectID + `"}`,
		status: 404, code: "customer_not_found", data: `{"id":"` + objectID + `"}`},
	{name: "info ObjectId(...) text", target: "customer.info", body: `{"id":"ObjectId('` + objectID + `')"}`,
		status: 404, code: "customer_not_found", data: `{"id":"ObjectId('` + objectID + `')"}`},
	{name: "info Extended JSON $oid", target: "customer.info", body: `{"id":{"$oid":"` + objectID + `"}}`,
		status: 400, code: "validation_error", data: validation("id: must be a string")},
	{name: "list ObjectId-looking id", target: "customer.list", body: `{"id":"` + objectID + `"}`,
		status: 200, answer: noMatch},
	{name: "address.info ObjectId-looking ids", target: "customer.address.info", body: `{"customerId":"` + objectID + `","addressId":"` + objectID + `"}`,
		status: 404, code: "customer_not_found", data: `{"id":"` + objectID + `"}`},
	{name: "address.remove ObjectId-looking address id", target: "customer.address.remove", body: `{"customerId":"{john}","addressId":"` + objectID + `"}`,
		status: 404, code: "customer_address_not_found", data: `{"customerId":"{john}","addressId":"` + objectID + `"}`},

	// Emails with Unicode look-alikes are not emails: they cannot become a
	// second account that reads like John's, nor find his.
	{name: "create Cyrillic o", target: "customer.create", body: `{"email":"jоhn.doe@gmail.com",` + newCustomerJSON + `}`,
		status: 400, code: "customer_invalid_email", data: `{"email":"jоhn.doe@gmail.com"}`},
	{name: "create Cyrillic a in the domain", target: "customer.create", body: `{"email":"john.doe@gmаil.com",` + newCustomerJSON + `}`,
		status: 400, code: "customer_invalid_email", data: `{"email":"john.doe@gmаil.com"}`},
	{name: "create KELVIN SIGN", target: "customer.create", body: `{"email":"\u212aate@example.com",` + newCustomerJSON + `}`,
		status: 400, code: "customer_invalid_email", data: `{"email":"\u212aate@example.com"}`},
	{name: "create dotted capital I", target: "customer.create", body: `{"email":"\u0130nfo@example.com",` + newCustomerJSON + `}`,
		status: 400, code: "customer_invalid_email", data: `{"email":"\u0130nfo@example.com"}`},
	{name: "create fullwidth at sign", target: "customer.create", body: `{"email":"john.doe\uff20gmail.com",` + newCustomerJSON + `}`,
		status: 400, code: "customer_invalid_email", data: `{"email":"john.doe\uff20gmail.com"}`},
	{name: "create zero-width space", target: "customer.create", body: `{"email":"john.doe\u200b@gmail.com",` + newCustomerJSON + `}`,
		status: 400, code: "customer_invalid_email", data: `{"email":"john.doe\u200b@gmail.com"}`},
	{name: "create combining accent", target: "customer.create", body: `{"email":"jo\u0301hn@gmail.com",` + newCustomerJSON + `}`,
		status: 400, code: "customer_invalid_email", data: `{"email":"jo\u0301hn@gmail.com"}`},
	{name: "update to a Cyrillic look-alike of another's email", target: "customer.update", body: `{"id":"{jane}","email":"jоhn.doe@gmail.com"}`,
		status: 400, code: "customer_invalid_email", data: `{"email":"jоhn.doe@gmail.com"}`},
	{name: "checkCredentials with a look-alike and the right password", target: "customer.checkCredentials", body: `{"email":"jоhn.doe@gmail.com","password":"` + hostilePassword + `"}`,
		status: 401, code: "bad_credentials"},
	{name: "checkCredentials with a KELVIN SIGN look-alike", target: "customer.checkCredentials", body: `{"email":"\u212aate@example.com","password":"` + hostilePassword + `"}`,
		status: 401, code: "bad_credentials"},
	{name: "list with a look-alike email", target: "customer.list", body: `{"email":"jоhn.doe@gmail.com"}`,
		status: 200, answer: noMatch},
}

// hostileFixture stores the customers the suite aims at, and the answers
// it compares with.
func hostileFixture(t *testing.T, svc *servicetest.Service) map[string]string {
	t.Helper()
	john := svc.Call(t, "customer.create", json.RawMessage(`{"email":"john.doe@gmail.com","password":"`+hostilePassword+
		`","firstName":"John","lastName":"Doe","tags":["VIP"],"addresses":[{`+hostileAddress+`}]}`)).Customer(t)
	jane := svc.Call(t, "customer.create", map[string]any{
		"email": "jane@example.com", "password": "jane-s3cret-pass", "firstName": "Jane", "lastName": "Roe", "status": "INACTIVE",
	}).Customer(t)
	vars := map[string]string{
		"john":    john["id"].(string),
		"jane":    jane["id"].(string),
		"address": addressList(john)[0]["id"].(string),
	}
	vars["johnInfo"] = string(svc.Call(t, "customer.info", map[string]any{"id": vars["john"]}).Raw)
	vars["listAll"] = string(svc.Call(t, "customer.list", map[string]any{}).Raw)
	return vars
}

func fillVars(s string, vars map[string]string) string {
	for k, v := range vars {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

// TestHostileRequestsGetPreciseAnswersAndWriteNothing sends each hostile
// request to the whole service on the embedded store and checks the exact
// answer, and, reading the database file itself, that the store holds the
// same bytes afterwards.
func TestHostileRequestsGetPreciseAnswersAndWriteNothing(t *testing.T) {
	svc := servicetest.Start(t)
	vars := hostileFixture(t, svc)
	before := databaseState(t, svc)

	for _, hr := range hostileRequests {
		t.Run(hr.name, func(t *testing.T) {
			status, raw := sendHostile(t, svc, hr, vars)
			checkHostileAnswer(t, hr, vars, status, raw)
			if after := databaseState(t, svc); after != before {
				t.Fatalf("the database changed:\n%s", firstDifference(before, after))
			}
		})
	}

	// A query past the server's header limit never reaches the service:
	// net/http answers it, in plain text, before any handler runs.
	req, err := http.NewRequest(http.MethodGet, svc.URL+"customer.info?id="+oneMiB, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+svc.Token)
	if a := servicetest.Send(t, req); a.Status != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("a query of 1 MiB answered %d, want 431", a.Status)
	}
	if after := databaseState(t, svc); after != before {
		t.Fatalf("the database changed:\n%s", firstDifference(before, after))
	}
	t.Logf("%d hostile requests tried, none wrote anything", len(hostileRequests)+1)
}

func sendHostile(t *testing.T, svc *servicetest.Service, hr hostileRequest, vars map[string]string) (int, []byte) {
	t.Helper()
	httpMethod := hr.httpMethod
	if httpMethod == "" {
		httpMethod = http.MethodPost
	}
	var body io.Reader
	if hr.body != "" {
		body = strings.NewReader(fillVars(hr.body, vars))
	}
	req, err := http.NewRequest(httpMethod, svc.URL+fillVars(hr.target, vars), body)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case hr.contentType == "form":
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	case hr.contentType != "":
		req.Header.Set("Content-Type", hr.contentType)
	case hr.body != "":
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+svc.Token)
	a := servicetest.Send(t, req)
	servicetest.CheckOpenAPI(t, req, []byte(fillVars(hr.body, vars)), a)
	return a.Status, a.Raw
}

func checkHostileAnswer(t *testing.T, hr hostileRequest, vars map[string]string, status int, raw []byte) {
	t.Helper()
	if bytes.Contains(raw, []byte(`"password"`)) || bytes.Contains(raw, []byte(hostilePassword)) ||
		bytes.Contains(raw, []byte("$2a$")) || bytes.Contains(raw, []byte("$2b$")) {
		t.Errorf("the answer carries a password or a hash: %.300s", raw)
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("answered %d with a body that is not a JSON object: %.300s", status, raw)
	}
	if hr.code == "" {
		if want := fillVars(hr.answer, vars); status != hr.status || string(raw) != want {
			t.Fatalf("answered %d %.500s\nwant %d %.500s", status, raw, hr.status, want)
		}
		return
	}
	if status != hr.status || body["ok"] != false || body["error"] != hr.code {
		t.Fatalf("answered %d %.500s, want %d %s", status, raw, hr.status, hr.code)
	}
	data, has := body["data"]
	if hr.data == "" {
		if has {
			t.Fatalf("data = %.300v, want none", data)
		}
		return
	}
	var want any
	if err := json.Unmarshal([]byte(fillVars(hr.data, vars)), &want); err != nil {
		t.Fatalf("bad wanted data %q: %v", hr.data, err)
	}
	if !reflect.DeepEqual(data, want) {
		got, _ := json.Marshal(data)
		t.Fatalf("data = %.500s\nwant %.500s", got, fillVars(hr.data, vars))
	}
}

// databaseState renders everything the store holds: two states are equal
// exactly when nothing was written in between. The count of failed
// sign-ins is left out: a wrong password counts towards the lockout,
// hostile or not, and that is the one write a refused call makes.
func databaseState(t *testing.T, svc *servicetest.Service) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	state, err := svc.Store.Dump(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(state, "\n")
	return strings.Join(slices.DeleteFunc(lines, func(l string) bool { return strings.HasPrefix(l, "login_attempts ") }), "\n")
}

func firstDifference(before, after string) string {
	b, a := strings.Split(before, "\n"), strings.Split(after, "\n")
	for i := range max(len(a), len(b)) {
		var x, y string
		if i < len(b) {
			x = b[i]
		}
		if i < len(a) {
			y = a[i]
		}
		if x != y {
			return fmt.Sprintf("before: %.600s\nafter:  %.600s", x, y)
		}
	}
	return "(same lines)"
}
