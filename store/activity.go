package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"salesbot"
)

// activityPage is how many stream entries Activity reads at a time.
const activityPage = 500

// Activity returns the team's changes written after since and up to until,
// oldest first, on the activity stream's own time axis: its entries' IDs,
// which Redis gives them from its own clock as the guarded script adds them
// (XADD *; see WithChangeTime for tests). Entries are so in the order they
// were written, and a replica whose clock is off can neither put its
// changes out of order nor hide them from a window: a change's At, the
// writer's clock, is what is shown, never what is searched. It reads only
// the window's range of the stream, newest first, a page at a time, so its
// cost follows the number of changes in the window. Each change names its
// company as the lead is named now (one more round trip reads the leads).
func (s *Store) Activity(ctx context.Context, team string, since, until time.Time) ([]salesbot.Change, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("activity: %w", err)
	}
	changes, err := s.activity(ctx, k, since, until)
	if err != nil {
		return nil, err
	}
	ids := newIDSet()
	for _, c := range changes {
		if c.Company == "" {
			ids.add(c.LeadID)
		}
	}
	if len(ids.list) > 0 {
		leads, err := s.leads(ctx, k, ids.list)
		if err != nil {
			return nil, failed(err, "activity of %s", team)
		}
		withCompanies(changes, leads)
	}
	return changes, nil
}

// activity is Activity without the companies of entries that refer to
// their lead (see withCompanies).
func (s *Store) activity(ctx context.Context, k keys, since, until time.Time) ([]salesbot.Change, error) {
	team := k.team()
	if !until.After(since) || until.UnixMilli() < 0 {
		return nil, nil
	}
	// An ID is "<ms>-<seq>", and a bare "<ms>" is all of that millisecond's
	// entries: after since is from the next millisecond on.
	end, start := strconv.FormatInt(until.UnixMilli(), 10), "-"
	if ms := since.UnixMilli(); ms >= 0 {
		start = strconv.FormatInt(ms+1, 10)
	}
	var changes []salesbot.Change
	for {
		page, err := s.client.XRevRangeN(ctx, k.activity(), end, start, activityPage).Result()
		if err != nil {
			return nil, failed(err, "activity of %s", team)
		}
		for _, m := range page {
			raw, _ := m.Values["change"].(string)
			c, err := decodeChange([]byte(raw), "")
			if err != nil {
				s.skip(ctx, k.activity()+" "+m.ID, err)
				continue
			}
			changes = append(changes, c)
		}
		if len(page) < activityPage {
			break
		}
		end = "(" + page[len(page)-1].ID
	}
	slices.Reverse(changes)
	return changes, nil
}

// activityKinds are the kinds of change the team's activity stream keeps:
// those a digest or a report reads (salesbot's digest addChanges, report
// addChanges and repTouches, sourceRows). Every change stays in its lead's
// own history; the stream is not a second copy of it.
var activityKinds = map[salesbot.ChangeKind]bool{
	salesbot.ChangeCreated: true, salesbot.ChangeGrade: true, salesbot.ChangeStage: true,
	salesbot.ChangeWon: true, salesbot.ChangeLost: true, salesbot.ChangeVisit: true,
	salesbot.ChangeEscalated: true, salesbot.ChangeCloseBy: true,
}

// withCompanies names each change's company after the lead it is about,
// where the stream entry did not carry it (entries since issue 14 do not:
// they refer to the lead). A lead not among leads (gone since) keeps the
// company its entry carried, if any.
func withCompanies(changes []salesbot.Change, leads []*salesbot.Lead) {
	if len(changes) == 0 {
		return
	}
	company := make(map[string]string, len(leads))
	for _, l := range leads {
		company[l.ID] = l.Company
	}
	for i := range changes {
		if c := &changes[i]; c.Company == "" {
			c.Company = company[c.LeadID]
		}
	}
}
