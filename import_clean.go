package salesbot

import "regexp"

// userIDPattern is a Slack user ID as the bot stores one (U… or W…), the
// bare form handlers' mention pattern reads.
var userIDPattern = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)

// IsUserID reports whether s is a Slack user ID and nothing else: no
// mention, link or text around it.
func IsUserID(s string) bool { return userIDPattern.MatchString(s) }

// importedUser is by when it is a user ID, else importer: a file's user
// fields are printed inside <@…>, so anything else (a name another system
// wrote, or text that would make a link or an @here) is not kept.
func importedUser(by, importer string) string {
	if IsUserID(by) {
		return by
	}
	return importer
}

// CleanImportedUsers makes every user field of an imported lead — its
// creator, its people (and their support history), key facts, quotes
// (and their approvers), concessions, rivals and qualification — and of its
// visits and history a Slack user ID: a field that holds anything else
// becomes importer, the manager who imports (its text is dropped). The
// lead's owner is resolved apart (OwnerFinder). It changes l, history and
// visits in place.
func CleanImportedUsers(l *Lead, history []Change, visits []Visit, importer string) {
	l.CreatedBy = importedUser(l.CreatedBy, importer)
	for i := range l.Stakeholders {
		s := &l.Stakeholders[i]
		s.UpdatedBy = importedUser(s.UpdatedBy, importer)
		for j := range s.History {
			s.History[j].By = importedUser(s.History[j].By, importer)
		}
	}
	for k, f := range l.Facts {
		f.UpdatedBy = importedUser(f.UpdatedBy, importer)
		l.Facts[k] = f
	}
	for i := range l.Quotes {
		q := &l.Quotes[i]
		q.By = importedUser(q.By, importer)
		kept := q.ApprovedBy[:0]
		for _, m := range q.ApprovedBy {
			if IsUserID(m) {
				kept = append(kept, m)
			}
		}
		if len(kept) == 0 {
			kept = nil
		}
		q.ApprovedBy = kept
	}
	for i := range l.Concessions {
		l.Concessions[i].By = importedUser(l.Concessions[i].By, importer)
	}
	for i := range l.Rivals {
		l.Rivals[i].By = importedUser(l.Rivals[i].By, importer)
	}
	if l.Qualification.By != "" {
		l.Qualification.By = importedUser(l.Qualification.By, importer)
	}
	for i := range history {
		history[i].By = importedUser(history[i].By, importer)
	}
	for i := range visits {
		visits[i].By = importedUser(visits[i].By, importer)
	}
}
