package httpapi

import (
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/microbase-io/customer-service/adapters/token"
)

// The README's API reference is checked against the code here, so that
// it cannot drift: its method table and its examples against the methods
// registered, its error table against the error kinds toAPIError answers.

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

// The README's method table is the method list the router registers and
// the OpenAPI document is made of, rendered: arguments from each request
// type (* for binding:"required", the note tag in brackets), errors from
// toAPIError.
func TestREADME_MethodTableIsTheMethodList(t *testing.T) {
	want := methodTable(methodList)
	got := tableRows(readmeSection(t, "### Methods"))
	if !slices.EqualFunc(got, tableRows(strings.Split(want, "\n")), slices.Equal) {
		t.Errorf("the README's method table differs from the method list; it should read:\n%s", want)
	}
}

// methodTable renders the table the README's Methods section holds.
func methodTable(ms []method) string {
	lines := []string{"| method | arguments (* required) | answer | errors |", "|---|---|---|---|"}
	for _, m := range ms {
		var args, codes []string
		for _, f := range argumentFields(m.documented().requestType) {
			arg := f.name
			if required(f.StructField) {
				arg += `\*`
			}
			if note := f.Tag.Get("note"); note != "" {
				arg += " (" + note + ")"
			}
			args = append(args, arg)
		}
		for _, err := range m.errors {
			e, _ := toAPIError(err)
			codes = append(codes, "`"+e.code+"`")
		}
		line := "|"
		for _, cell := range []string{"`" + m.name + "`", strings.Join(args, ", "), m.reads, strings.Join(codes, ", ")} {
			if cell != "" {
				line += " " + cell
			}
			line += " |"
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
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
	for _, k := range errorKinds {
		e, _ := toAPIError(k.example)
		answered[e.code] = strconv.Itoa(e.status)
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

// The README's table of token refusals names every reason the verifier
// gives, and no other.
func TestREADME_TokenTableIsEveryRefusalReason(t *testing.T) {
	var documented []string
	for _, row := range tableRows(readmeSection(t, "### Tokens"))[1:] {
		if m := backticked.FindStringSubmatch(row[len(row)-1]); m != nil {
			documented = append(documented, m[1])
		}
	}
	var reasons []string
	for _, r := range token.Reasons() {
		reasons = append(reasons, string(r))
	}
	slices.Sort(documented)
	slices.Sort(reasons)
	if !slices.Equal(documented, reasons) {
		t.Fatalf("the README's Tokens table gives reasons %v, the verifier %v", documented, reasons)
	}
}
