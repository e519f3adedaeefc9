package httpapi

import (
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// stringList is a list argument: a JSON array of strings or, in a query or
// form, repeated and/or comma-separated values, each trimmed. One empty
// value (tags=) is the empty list, so a form can clear a list; other empty
// parts are kept for the domain to refuse.
type stringList []string

// filter is a list filter of customer.list, matching any of its values.
// Besides a stringList's forms it may be one comma-separated JSON string,
// as MicroBase's documentation sends it. Values are trimmed and empty ones
// dropped.
type filter []string

var errNotStringList = &argumentError{message: "must be a list of strings"}

func (*stringList) expected() string { return errNotStringList.message }
func (*filter) expected() string     { return errNotStringList.message }

func (l *stringList) UnmarshalJSON(b []byte) error {
	var items []*string
	if jsontext.Value(b).Kind() != '[' || json.Unmarshal(b, &items, jsonOptions) != nil {
		return errNotStringList
	}
	list := make(stringList, len(items))
	for i, item := range items {
		if item == nil {
			return errNotStringList
		}
		list[i] = *item
	}
	*l = list
	return nil
}

func (f *filter) UnmarshalJSON(b []byte) error {
	if jsontext.Value(b).Kind() == '"' {
		var s string
		if err := json.Unmarshal(b, &s, jsonOptions); err != nil {
			return err
		}
		*f = splitValues([]string{s}, true)
		return nil
	}
	var list stringList
	if err := list.UnmarshalJSON(b); err != nil {
		return err
	}
	*f = filter{}
	for _, v := range list {
		if v = strings.TrimSpace(v); v != "" {
			*f = append(*f, v)
		}
	}
	return nil
}

// splitValues splits each value on commas and trims the parts. A single
// empty value is the empty list; other empty parts are dropped or kept.
func splitValues(values []string, dropEmpty bool) []string {
	out := []string{}
	if len(values) == 1 && strings.TrimSpace(values[0]) == "" {
		return out
	}
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			if part = strings.TrimSpace(part); part != "" || !dropEmpty {
				out = append(out, part)
			}
		}
	}
	return out
}
