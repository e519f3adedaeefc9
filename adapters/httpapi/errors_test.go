package httpapi

import "testing"

// A kind whose example an earlier kind answers could never be answered:
// its code, status and data would be documented and never sent.
func TestErrorKinds_EachExampleIsAnsweredByItsOwnKind(t *testing.T) {
	for i, k := range errorKinds {
		for _, earlier := range errorKinds[:i] {
			if a, ok := earlier.answer(k.example); ok {
				t.Errorf("%T (%v) is answered %s by an earlier kind", k.example, k.example, a.code)
			}
		}
		if _, ok := k.answer(k.example); !ok {
			t.Errorf("%T (%v) is not answered by its own kind", k.example, k.example)
		}
	}
}
