package domain

// Status says whether a customer may sign in. It is a struct around an
// unexported string so that no value other than the two below can exist.
type Status struct{ s string }

var (
	StatusActive   = Status{"ACTIVE"}
	StatusInactive = Status{"INACTIVE"}
)

// ParseStatus accepts exactly "ACTIVE" or "INACTIVE"; MicroBase clients
// send them in upper case and we do not guess at other spellings.
func ParseStatus(s string) (Status, error) {
	switch s {
	case StatusActive.s:
		return StatusActive, nil
	case StatusInactive.s:
		return StatusInactive, nil
	}
	return Status{}, broken("must be ACTIVE or INACTIVE")
}

func (s Status) String() string { return s.s }
