package mongodb

// MeetWriteFault makes r meet err as one of its writes would.
func (r *Repository) MeetWriteFault(err error) { _ = r.writeError(err, "") }
