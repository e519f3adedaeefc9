package httpapi

import (
	"errors"
	"math/big"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"
)

// integer is an integer argument: in JSON a number with an integral value
// (1e3 is 1000, as JSON Schema's integer is; 1.5 is refused), in a query
// or form a base-10 integer.
type integer int64

var (
	errNotInteger = &argumentError{message: "must be an integer"}
	errOutOfRange = &argumentError{message: "is out of range"}
)

func (*integer) expected() string { return errNotInteger.message }

// UnmarshalJSON reads the number at 128 bits of precision: exact for every
// int64 however it is written, and bounded in cost whatever the exponent
// (math/big's Rat would spend gigabytes on 1e999999999).
func (n *integer) UnmarshalJSON(b []byte) error {
	if jsontext.Value(b).Kind() != '0' {
		return errNotInteger
	}
	f, _, err := big.ParseFloat(string(b), 10, 128, big.ToNearestEven)
	if err != nil {
		// Only an exponent beyond any float's gets here: the number is
		// infinitely large or small.
		if g, _ := strconv.ParseFloat(string(b), 64); g == 0 {
			return errNotInteger
		}
		return errOutOfRange
	}
	if !f.IsInt() {
		return errNotInteger
	}
	i, accuracy := f.Int64()
	if accuracy != big.Exact {
		return errOutOfRange
	}
	*n = integer(i)
	return nil
}

func parseInteger(values []string) (*integer, error) {
	text, err := onlyValue(values)
	if err != nil {
		return nil, err
	}
	i, err := strconv.ParseInt(text, 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return nil, errOutOfRange
	case err != nil:
		return nil, errNotInteger
	}
	n := integer(i)
	return &n, nil
}

// int64Of is the value of an optional integer argument.
func int64Of(n *integer) *int64 {
	if n == nil {
		return nil
	}
	i := int64(*n)
	return &i
}
