// Package workload drives many concurrent clients at running instances of
// the service, tallies every answer (no answer at all included), and
// checks afterwards, in the database itself, that nothing a client was
// told had succeeded went missing. The same workloads run against
// in-process instances and against containers.
package workload
