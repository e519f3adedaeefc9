// Package containers starts the Docker containers that the MongoDB, system
// and soak suites run against, and removes them when the test ends, whether
// it passed or not.
//
// Every helper first calls [RequireDocker], so a test without a Docker engine
// is skipped on a developer's machine and fails under CI=true.
//
// Containers are removed by the test itself rather than by testcontainers'
// reaper (Ryuk), whose image may not be pullable: unless
// TESTCONTAINERS_RYUK_DISABLED is already set, this package sets it to true
// before its first call into testcontainers.
//
// Helpers take the testing.TB and fail the test on error; call them from the
// test's own goroutine.
package containers
