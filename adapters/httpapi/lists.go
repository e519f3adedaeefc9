package httpapi

import (
	"slices"
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
// as MicroBase's documentation sends it. Values are trimmed, and empty
// ones kept for the use case to refuse: dropped, "id=" would be no filter
// at all and match everyone. Only a JSON array can be empty (matching
// nobody).
type filter []string

// fieldList is customer.list's fields argument: names in a filter's
// forms, empty ones ignored as unknown names are.
type fieldList []string

var errNotStringList = &argumentError{message: "must be a list of strings"}

func (*stringList) expected() string { return errNotStringList.message }
func (*filter) expected() string     { return errNotStringList.message }
func (*fieldList) expected() string  { return errNotStringList.message }

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
		*f = splitParts([]string{s})
		return nil
	}
	var list stringList
	if err := list.UnmarshalJSON(b); err != nil {
		return err
	}
	for i, v := range list {
		list[i] = strings.TrimSpace(v)
	}
	*f = filter(list)
	return nil
}

func (n *fieldList) UnmarshalJSON(b []byte) error {
	var f filter
	if err := f.UnmarshalJSON(b); err != nil {
		return err
	}
	*n = dropEmpty(f)
	return nil
}

// splitValues splits each value on commas and trims the parts. A single
// empty value is the empty list.
func splitValues(values []string) []string {
	if len(values) == 1 && strings.TrimSpace(values[0]) == "" {
		return []string{}
	}
	return splitParts(values)
}

// splitParts splits each value on commas and trims the parts, keeping the
// empty ones.
func splitParts(values []string) []string {
	out := []string{}
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			out = append(out, strings.TrimSpace(part))
		}
	}
	return out
}

// dropEmpty drops the empty values, in place.
func dropEmpty(values []string) []string {
	return slices.DeleteFunc(values, func(v string) bool { return v == "" })
}
