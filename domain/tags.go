package domain

import (
	"slices"
	"strconv"
)

// NormalizeTags trims each tag, refuses empty ones, and drops repeats while
// keeping the order the caller gave. A nil or empty input means "no tags".
func NormalizeTags(raw []string) ([]string, error) {
	if len(raw) > MaxTags {
		return nil, broken("must hold at most " + strconv.Itoa(MaxTags) + " tags")
	}
	tags := make([]string, 0, len(raw))
	for _, t := range raw {
		tag, err := cleanText(t, MaxTagLength, true)
		if err != nil {
			return nil, broken("each tag " + err.Error())
		}
		if !slices.Contains(tags, tag) {
			tags = append(tags, tag)
		}
	}
	return tags, nil
}
