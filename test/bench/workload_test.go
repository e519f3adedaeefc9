package main

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestWorkload_EveryUpdateCarriesAValueNeverSentBefore(t *testing.T) {
	w := &workload{ids: []string{"a", "b", "c"}}
	rng := rand.New(rand.NewPCG(1, 1))
	seen := map[string]bool{}
	kinds := map[string]int{}
	for range 300 {
		id, ch := w.next(rng)
		if !slices.Contains(w.ids, id) {
			t.Fatalf("picked unknown customer %q", id)
		}
		var fresh string
		switch {
		case ch.LastName != "":
			kinds["lastName"]++
			fresh = ch.LastName
		case ch.Tags != nil:
			kinds["tags"]++
			fresh = ch.Tags[len(ch.Tags)-1]
		case ch.FirstName != "" && ch.Status != "":
			kinds["firstName+status"]++
			fresh = ch.FirstName
		default:
			t.Fatalf("empty change %+v", ch)
		}
		if seen[fresh] {
			t.Fatalf("value %q sent twice: that update would change nothing", fresh)
		}
		seen[fresh] = true
	}
	if kinds["lastName"] != 100 || kinds["tags"] != 100 || kinds["firstName+status"] != 100 {
		t.Errorf("kinds %v, want the three kinds in equal share", kinds)
	}
}

func TestParseLevels_AcceptsOnlyPositiveIntegers(t *testing.T) {
	got, err := parseLevels("1, 8,64")
	if err != nil || !slices.Equal(got, []int{1, 8, 64}) {
		t.Errorf("got %v, %v", got, err)
	}
	for _, bad := range []string{"", "0", "1,x", "-8"} {
		if _, err := parseLevels(bad); err == nil {
			t.Errorf("parseLevels(%q) accepted", bad)
		}
	}
}

func TestRedact_KeepsCredentialsOutOfTheOutput(t *testing.T) {
	got := redact("mongodb://user:secret@db.example.com:27017/?authSource=admin&tls=true")
	if got != "mongodb://db.example.com:27017/" {
		t.Errorf("redact = %q", got)
	}
}

func TestUpdateBody_SendsTheIDAndOnlyTheChangedFields(t *testing.T) {
	tests := []struct {
		ch   change
		want string
	}{
		{change{LastName: "Smith-1"}, `{"id":"c1","lastName":"Smith-1"}`},
		{change{Tags: []string{"VIP", "campaign-2"}}, `{"id":"c1","tags":["VIP","campaign-2"]}`},
		{change{FirstName: "Ann-3", Status: "INACTIVE"}, `{"id":"c1","firstName":"Ann-3","status":"INACTIVE"}`},
	}
	for _, tt := range tests {
		got, err := updateBody("c1", tt.ch)
		if err != nil || string(got) != tt.want {
			t.Errorf("updateBody(%+v) = %s, %v; want %s", tt.ch, got, err, tt.want)
		}
	}
}
