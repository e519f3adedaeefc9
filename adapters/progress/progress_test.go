package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/application"
)

// Where no terminal shows a bar, a line says when a pass starts and then
// every `every`, with the rate and the time left; none in between.
func TestLinesTellThePassTheRateAndTheTimeLeftEverySoOften(t *testing.T) {
	var out bytes.Buffer
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := &lines{w: &out, every: 5 * time.Second, now: func() time.Time { return at }}
	l.Phase("copy", 1000)
	at = at.Add(time.Second)
	l.Advanced(100) // before the first 5 s: no line
	at = at.Add(4 * time.Second)
	l.Advanced(150) // 250 in 5 s: 50 customers/s, 750 left
	want := "copy: about 1000 customers\ncopy: 250 of about 1000 customers, 50 customers/s, about 15s left\n"
	if out.String() != want {
		t.Errorf("wrote\n%s\nwant\n%s", out.String(), want)
	}
}

func TestABarShowsEveryCustomerOfAGrowingSource(t *testing.T) {
	var out bytes.Buffer
	b := New(&out, true, 0, Customers)
	b.Phase("copy", 2)
	b.Advanced(3) // the source grew past its estimate
	b.Done()
	if !strings.Contains(out.String(), "3/3") || !strings.Contains(out.String(), "copy") {
		t.Errorf("the bar shows %q", out.String())
	}
}

func TestTheReportListsTheFindingsShownAndCountsTheRest(t *testing.T) {
	var out bytes.Buffer
	WriteReport(&out, application.MigrationReport{
		Customers: 1000, Copied: 990, Unchanged: 5, Removed: 2,
		LeftAlone: application.Findings{Count: 3, Shown: []application.Finding{{ID: "c1", What: "not in the source"}}},
		Copying:   2 * time.Second, Verifying: time.Second,
	})
	for _, want := range []string{
		"left alone on the target (3):\n  customer c1: not in the source\n  and 2 more\n",
		"copied 990, unchanged 5, removed 2, left alone 3 of 1000 customers in 2.0 s (500 customers/s)\n",
		"verified in 1.0 s: 0 differences\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "differences (") {
		t.Errorf("the report lists differences where there are none:\n%s", out.String())
	}
}
