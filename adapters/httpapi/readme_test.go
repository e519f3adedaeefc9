package httpapi

import (
	"errors"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/microbase-io/customer-service/adapters/token"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// The README's API reference is checked against the code here, so that
// it cannot drift: its method table and its examples against the methods
// registered, its error table against the codes toAPIError answers.

const readmePath = "../../README.md"

// readmeSection returns the lines of the README section with that heading,
// up to the next heading of the same or a higher level. Lines in code
// blocks are never headings (a shell comment starts with "#" too).
func readmeSection(t *testing.T, heading string) []string {
	t.Helper()
	raw, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	level := strings.Index(heading, " ")
	var out []string
	found, in, code := false, false, false
	for line := range strings.SplitSeq(string(raw), "\n") {
		if strings.HasPrefix(line, "```") {
			code = !code
		}
		if !code && strings.HasPrefix(line, "#") {
			marks, _, _ := strings.Cut(line, " ")
			if in && strings.Trim(marks, "#") == "" && len(marks) <= level {
				break
			}
			if line == heading {
				found, in = true, true
				continue
			}
		}
		if in {
			out = append(out, line)
		}
	}
	if !found {
		t.Fatalf("README has no %q section", heading)
	}
	return out
}

// tableRows returns the trimmed cells of the section's table rows, the
// header row included, the rule under it left out.
func tableRows(lines []string) [][]string {
	var out [][]string
	for _, line := range lines {
		if !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|---") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		out = append(out, cells)
	}
	return out
}

var backticked = regexp.MustCompile("`([^`]+)`")

func TestREADME_MethodTableListsExactlyTheRegisteredMethods(t *testing.T) {
	var documented []string
	for _, row := range tableRows(readmeSection(t, "### Methods")) {
		if m := backticked.FindStringSubmatch(row[0]); m != nil {
			documented = append(documented, m[1])
		}
	}
	assertSameNames(t, "README method table", documented, "registered methods", Methods())
}

func TestREADME_EveryMethodHasACurlExample(t *testing.T) {
	example := regexp.MustCompile(`\$API/([A-Za-z.]+)`)
	var shown []string
	for _, line := range readmeSection(t, "## Try it") {
		for _, m := range example.FindAllStringSubmatch(line, -1) {
			shown = append(shown, m[1])
		}
	}
	assertSameNames(t, "README examples", shown, "registered methods", Methods())
}

// everyAPIError is one error of each kind toAPIError knows; the test
// below checks against errors.go that none is missing.
var everyAPIError = []error{
	&domain.ValidationError{},
	&domain.InvalidEmailError{},
	&domain.InvalidCountryError{},
	&domain.CustomerNotFoundError{},
	&domain.AddressNotFoundError{},
	&domain.DuplicateEmailError{},
	&domain.VersionConflictError{},
	domain.ErrBadCredentials,
	token.ErrInvalidToken,
	application.ErrUnavailable,
	errPayloadTooLarge,
	&unknownMethodError{},
	errors.New("anything unforeseen"),
}

func TestREADME_ErrorTableListsExactlyTheCodesAnswered(t *testing.T) {
	documented := map[string]string{}
	for _, row := range tableRows(readmeSection(t, "### Errors")) {
		if _, err := strconv.Atoi(row[0]); err != nil || len(row) < 2 {
			continue // the header row
		}
		if m := backticked.FindStringSubmatch(row[1]); m != nil {
			documented[m[1]] = row[0]
		}
	}

	answered := map[string]string{}
	for _, err := range everyAPIError {
		e, _ := toAPIError(err)
		answered[e.code] = strconv.Itoa(e.status)
	}
	src, err := os.ReadFile("errors.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`apiError\{http\.Status\w+, "(\w+)"`).FindAllStringSubmatch(string(src), -1) {
		if _, ok := answered[m[1]]; !ok {
			t.Errorf("errors.go answers %q, which everyAPIError does not produce: add an error of that kind", m[1])
		}
	}

	assertSameNames(t, "README error table", slices.Collect(maps.Keys(documented)), "codes answered", slices.Collect(maps.Keys(answered)))
	for code, status := range answered {
		if doc, ok := documented[code]; ok && doc != status {
			t.Errorf("README gives %s status %s, the code answers %s", code, doc, status)
		}
	}
}

func assertSameNames(t *testing.T, whatA string, a []string, whatB string, b []string) {
	t.Helper()
	a, b = slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
	a, b = slices.Compact(a), slices.Compact(b)
	for _, n := range a {
		if !slices.Contains(b, n) {
			t.Errorf("%s has %q, %s do not", whatA, n, whatB)
		}
	}
	for _, n := range b {
		if !slices.Contains(a, n) {
			t.Errorf("%s lacks %q, which the %s have", whatA, n, whatB)
		}
	}
}
