package progress

import (
	"fmt"
	"io"
	"time"

	"github.com/microbase-io/customer-service/application"
)

// WriteReport writes what a migration did and found: the findings shown
// and how many more there were, then one summary line per pass.
func WriteReport(w io.Writer, r application.MigrationReport) {
	writeFindings(w, "left alone on the target", r.LeftAlone)
	writeFindings(w, "differences", r.Differences)
	fmt.Fprintf(w, "copied %d, unchanged %d, removed %d, left alone %d of %d customers in %s (%s)\n",
		r.Copied, r.Unchanged, r.Removed, r.LeftAlone.Count, r.Customers, seconds(r.Copying), rate(r.Customers, r.Copying))
	fmt.Fprintf(w, "verified in %s: %d differences\n", seconds(r.Verifying), r.Differences.Count)
}

func writeFindings(w io.Writer, kind string, f application.Findings) {
	if f.Count == 0 {
		return
	}
	fmt.Fprintf(w, "%s (%d):\n", kind, f.Count)
	for _, x := range f.Shown {
		fmt.Fprintf(w, "  customer %s: %s\n", x.ID, x.What)
	}
	if more := f.Count - int64(len(f.Shown)); more > 0 {
		fmt.Fprintf(w, "  and %d more\n", more)
	}
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }

func rate(n int64, d time.Duration) string {
	if d <= 0 {
		return "- customers/s"
	}
	return fmt.Sprintf("%.0f customers/s", float64(n)/d.Seconds())
}
