//go:build !unix

package sqlite

import "os"

// links is how many names the file has; here the system does not say.
func links(os.FileInfo) (n uint64, known bool) { return 0, false }
