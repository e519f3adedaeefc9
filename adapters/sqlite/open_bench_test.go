//go:build linux

package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/sys/unix"

	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
	"github.com/microbase-io/customer-service/test/support/sqlitetest"
)

// What opening the store costs on a file of 100,000 customers (one or two
// addresses, one or two tags each; about 80 MB), nearly all of it PRAGMA
// quick_check reading every page: from the page cache, as a restart finds
// the file, and from the disk ("cold", the file evicted from the page
// cache first), as the first start on a host does. Seeding takes about
// half a minute.
//
//	go test -run '^$' -bench BenchmarkOpen -benchtime 5x ./adapters/sqlite/
func BenchmarkOpen(b *testing.B) {
	dir := b.TempDir()
	seed(b, dir, 100_000)
	path := filepath.Join(dir, sqlite.FileName)
	for _, cold := range []bool{false, true} {
		b.Run(fmt.Sprintf("100000_customers/cold=%t", cold), func(b *testing.B) {
			for b.Loop() {
				if cold {
					b.StopTimer()
					evict(b, path)
					b.StartTimer()
				}
				s, err := sqlite.Open(context.Background(), sqlitetest.Options(b, dir))
				if err != nil {
					b.Fatal(err)
				}
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func seed(b *testing.B, dir string, n int) {
	b.Helper()
	s, err := sqlite.Open(context.Background(), sqlitetest.Options(b, dir))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	hash, err := bcrypt.GenerateFromPassword([]byte("bench-s3cret-pass"), bcrypt.MinCost)
	if err != nil {
		b.Fatal(err)
	}
	addresses := []domain.Address{
		{AddressInput: domain.AddressInput{Name: "Work", FirstName: "John", Address1: "1650 Bolman Court", PostCode: "61701", City: "Bloomington", State: "Illinois", Country: "US"}},
		{AddressInput: domain.AddressInput{Name: "Home", FirstName: "John", Address1: "2 Main Street", PostCode: "61702", City: "Bloomington", State: "Illinois", Country: "US"}},
	}
	since := time.Now().UTC().Add(-365 * 24 * time.Hour).Truncate(time.Millisecond)
	for i := range n {
		at := since.Add(time.Duration(i) * time.Second)
		own := append([]domain.Address(nil), addresses[:1+i%2]...)
		for j := range own {
			own[j].ID = domain.NewID()
		}
		c := domain.RestoreCustomer(domain.CustomerSnapshot{ID: domain.NewID(), Email: fmt.Sprintf("c%d@example.com", i),
			PasswordHash: domain.PasswordHash(hash), FirstName: "John", LastName: "Doe", Status: "ACTIVE",
			Tags: []string{"VIP", "newsletter"}[:1+i%2], Addresses: own, CreatedAt: at, UpdatedAt: at})
		ev := application.NewEvent{ID: domain.NewID(), At: at, Args: application.CustomerCreated{Customer: c}}
		if _, err := s.Create(context.Background(), c, ev, application.IdempotencyKey{}); err != nil {
			b.Fatal(err)
		}
	}
}

// evict drops the file from the page cache.
func evict(b *testing.B, path string) {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		b.Fatal(err)
	}
}
