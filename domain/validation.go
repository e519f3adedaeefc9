package domain

import (
	"errors"
	"slices"
	"strings"
)

// Problem is one rule an argument broke, named by the argument.
type Problem struct {
	Field   string
	Message string
}

func (p Problem) String() string { return p.Field + ": " + p.Message }

// Argument is the argument of the call the problem is about: "addresses"
// for "addresses[1].city", "address" for "address.id".
func (p Problem) Argument() string {
	if i := strings.IndexAny(p.Field, ".["); i >= 0 {
		return p.Field[:i]
	}
	return p.Field
}

// ValidationError gathers every problem found in one piece of input, so a
// caller can fix them all at once instead of one per round trip.
type ValidationError struct{ Problems []Problem }

func (e *ValidationError) Error() string {
	return "invalid input: " + strings.Join(e.Messages(), "; ")
}

func (e *ValidationError) Is(target error) bool { return target == ErrValidation }

// Messages renders each problem as "field: message".
func (e *ValidationError) Messages() []string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.String()
	}
	return msgs
}

// JoinValidation merges the problems of several validation errors into
// one, so a caller hears of every bad argument at once. When none of errs is
// a *ValidationError, the first non-nil error is returned.
func JoinValidation(errs ...error) error {
	var joined []Problem
	var first error
	for _, err := range errs {
		if ve, ok := errors.AsType[*ValidationError](err); ok {
			joined = append(joined, ve.Problems...)
		} else if first == nil {
			first = err
		}
	}
	if len(joined) > 0 {
		return &ValidationError{Problems: joined}
	}
	return first
}

// WithUnread is JoinValidation for a call some of whose arguments could
// not be read at all: absent where required, or of the wrong type. Their
// problems come first, then those errs report about the other arguments,
// so one answer names every bad argument. A rule broken by an argument
// that unread already names is left out: it would describe only the zero
// value that stands in for what could not be read.
func WithUnread(unread []Problem, errs ...error) error {
	err := JoinValidation(errs...)
	if len(unread) == 0 {
		return err
	}
	problems := slices.Clone(unread)
	if rules, ok := errors.AsType[*ValidationError](err); ok {
		for _, p := range rules.Problems {
			if !slices.ContainsFunc(unread, func(u Problem) bool { return u.Argument() == p.Argument() }) {
				problems = append(problems, p)
			}
		}
	}
	return &ValidationError{Problems: problems}
}

// CheckGiven refuses, under field, an empty argument.
func CheckGiven(field, value string) error {
	var p problems
	if value == "" {
		p.add(field, "must not be empty")
	}
	return p.err()
}

// problems collects validation failures while input is being checked.
// Errors other than field problems (an invalid email or country, which have
// their own codes) are kept aside: they are reported only when no field
// problem was found, so one answer still names every plain mistake.
type problems struct {
	list     []Problem
	specific error
}

func (p *problems) add(field, message string) {
	p.list = append(p.list, Problem{Field: field, Message: message})
}

// check records err against field; err is either a *fieldError or a
// specific domain error.
func (p *problems) check(field string, err error) {
	if err == nil {
		return
	}
	if fe, ok := err.(*fieldError); ok {
		p.add(field, fe.message)
		return
	}
	if p.specific == nil {
		p.specific = err
	}
}

func (p *problems) err() error {
	if len(p.list) > 0 {
		return &ValidationError{Problems: p.list}
	}
	return p.specific
}

// fieldError is a rule broken by a value whose field name is only known to
// the caller; problems.check attaches the name.
type fieldError struct{ message string }

func (e *fieldError) Error() string { return e.message }

func broken(message string) error { return &fieldError{message: message} }
