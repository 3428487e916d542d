package salesbot

import (
	"regexp"
	"slices"
	"unicode/utf8"
)

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
	for i := range l.Removals {
		l.Removals[i].By = importedUser(l.Removals[i].By, importer)
	}
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
		c := &history[i]
		c.By = importedUser(c.By, importer)
		if c.Kind == ChangeOwner { // From and To are the owners, shown as mentions
			c.From, c.To = importedUser(c.From, importer), importedUser(c.To, importer)
		}
	}
	for i := range visits {
		visits[i].By = importedUser(visits[i].By, importer)
	}
}

// A file's JSON cells (key facts, quotes, concessions, rivals,
// qualification, a person's support history) are checked as the commands
// that record them check them: the same lengths and counts, the same
// values. Each Clean… function below cleans its part in place and says
// what is wrong with it.

// PendingImportReason is the reason a quote that was waiting for sign-off
// in the file is kept with: it arrives rejected, for no approval request
// comes with it; quoting again asks for one.
const PendingImportReason = "imported while waiting for sign-off; quote again to ask for it"

// CleanImportedFacts checks a file's key facts as SetFact does.
func CleanImportedFacts(facts map[KeyFact]Fact) error {
	for k, f := range facts {
		if !slices.Contains(KeyFacts, k) {
			return Errorf(EINVALID, "%q is not a key fact. Leave the column as exported.", string(k))
		}
		text, err := cleanText(k.Label()+" note", f.Text, MaxTextLen)
		if err != nil {
			return err
		}
		if text == "" {
			delete(facts, k)
			continue
		}
		f.Text = text
		facts[k] = f
	}
	return nil
}

// CleanImportedQuotes checks a file's quotes as Quote does, keeps the
// last MaxQuotes, and makes one waiting for sign-off rejected, with
// PendingImportReason: no approval request comes with it.
func CleanImportedQuotes(quotes *[]Quote) error {
	if n := len(*quotes); n > MaxQuotes {
		*quotes = slices.Clone((*quotes)[n-MaxQuotes:])
	}
	for i := range *quotes {
		q := &(*quotes)[i]
		var err error
		if q.Notes, err = cleanText("notes", q.Notes, MaxTextLen); err != nil {
			return err
		}
		if q.Reason, err = cleanText("reason", q.Reason, maxReasonLen); err != nil {
			return err
		}
		switch q.Status {
		case QuoteApproved, QuoteRejected:
		case QuotePending:
			q.Status, q.DecidedAt, q.Reason = QuoteRejected, q.At, PendingImportReason
		default:
			return Errorf(EINVALID, "Quote v%d has no status a quote has (%q). Leave the column as exported.", q.Version, string(q.Status))
		}
	}
	return nil
}

// CleanImportedConcessions checks a file's concessions as Concede does.
func CleanImportedConcessions(cs []Concession) error {
	if len(cs) > MaxConcessions {
		return Errorf(EINVALID, "The cell has %d concessions; a lead keeps %d at most.", len(cs), MaxConcessions)
	}
	for i := range cs {
		var err error
		if cs[i].Give, err = cleanText("concession", cs[i].Give, maxConcedeLen); err != nil {
			return err
		}
		if cs[i].Get, err = cleanText("return", cs[i].Get, maxConcedeLen); err != nil {
			return err
		}
	}
	return nil
}

// CleanImportedRivals checks a file's rivals as SetRival does.
func CleanImportedRivals(rs []Rival) error {
	if len(rs) > MaxRivals {
		return Errorf(EINVALID, "The cell has %d rivals; a lead keeps %d at most.", len(rs), MaxRivals)
	}
	for i := range rs {
		var err error
		if rs[i].Name, err = cleanText("vendor's name", rs[i].Name, maxRivalNameLen); err != nil {
			return err
		}
		if rs[i].Notes, err = cleanText("notes", rs[i].Notes, maxRivalNotesLen); err != nil {
			return err
		}
	}
	return nil
}

// CleanImportedQualification checks the notes of a file's answers as
// Qualify does.
func CleanImportedQualification(q *Qualification) error {
	for _, v := range []*Verdict{&q.Exists, &q.Compete, &q.Win, &q.Worth} {
		var err error
		if v.Note, err = cleanText("note", v.Note, maxVerdictLen); err != nil {
			return err
		}
	}
	return nil
}

// CleanImportedSupportHistory checks a person's support history as
// SetStakeholder keeps it: levels from MinSupport to MaxSupport, reasons
// cut to their length, the last MaxSupportHistory changes.
func CleanImportedSupportHistory(h *[]SupportChange) error {
	if n := len(*h); n > MaxSupportHistory {
		*h = slices.Clone((*h)[n-MaxSupportHistory:])
	}
	for i := range *h {
		c := &(*h)[i]
		for _, s := range []Support{c.From, c.To} {
			if s < MinSupport || s > MaxSupport {
				return Errorf(EINVALID, "%d is not a support level. Use a number from -3 to +3.", s)
			}
		}
		why, err := cleanText("reason", c.Why, maxReasonLen)
		if err != nil {
			return err
		}
		if utf8.RuneCountInString(why) > maxWhyLen {
			why = string([]rune(why)[:maxWhyLen-1]) + "…"
		}
		c.Why = why
	}
	return nil
}
