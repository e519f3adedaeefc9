package domain

import "strconv"

// NormalizeTags trims each tag, refuses empty ones, and drops repeats while
// keeping the order the caller gave. A nil or empty input means "no tags".
func NormalizeTags(raw []string) ([]string, error) {
	if len(raw) > MaxTags {
		return nil, broken("must hold at most " + strconv.Itoa(MaxTags) + " tags")
	}
	tags := make([]string, 0, len(raw))
	seen := make(map[string]struct{}, len(raw))
	for _, t := range raw {
		tag, err := cleanText(t, MaxTagLength, true)
		if err != nil {
			return nil, broken("each tag " + err.Error())
		}
		if _, dup := seen[tag]; dup {
			continue
		}
		seen[tag] = struct{}{}
		tags = append(tags, tag)
	}
	return tags, nil
}
