package service

import (
	"context"
	"fmt"
	"time"

	"salesbot"
)

var _ salesbot.ProfileService = (*Services)(nil)

// guessReads bounds how many leads a guess reads to find one the actor may
// change: the names it matched, longest first.
const guessReads = 5

// SetSource implements salesbot.ProfileService.
func (s *Services) SetSource(ctx context.Context, a salesbot.Actor, ref salesbot.LeadRef, src salesbot.Source, now time.Time) (*salesbot.Lead, error) {
	l, _, err := s.writeLead(ctx, ref, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.SetSource(a, src, now))
	})
	return l, err
}

// SetProfile implements salesbot.ProfileService.
func (s *Services) SetProfile(ctx context.Context, a salesbot.Actor, ref salesbot.LeadRef, e salesbot.ProfileEdit, now time.Time) (*salesbot.Lead, salesbot.Change, error) {
	l, u, err := s.writeLead(ctx, ref, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.SetProfile(a, e, now))
	})
	if err != nil {
		return nil, salesbot.Change{}, err
	}
	return l, u.Changes[0], nil
}

// GuessLead implements salesbot.ProfileService: the text's candidate names
// (salesbot.CompanyCandidates) are looked up in the names index in one
// round trip, then the leads they name are read, longest name first, until
// an open one the actor may change turns up (at most guessReads of them;
// a closed one of theirs when no open one is named). A lead
// the actor may not change is never returned, so the guess shows no one
// another rep's lead.
func (s *Services) GuessLead(ctx context.Context, a salesbot.Actor, team, text string) (*salesbot.Lead, error) {
	names := salesbot.CompanyCandidates(text)
	if len(names) == 0 {
		return nil, nil
	}
	ids, err := s.cfg.Store.LeadIDsByName(ctx, team, names)
	if err != nil {
		return nil, fmt.Errorf("guess a lead: %w", err)
	}
	reads := 0
	seen := map[string]bool{}
	var closed *salesbot.Lead // a closed lead only when no open one is named
	for _, name := range names {
		id, ok := ids[name]
		if !ok || seen[id] {
			continue
		}
		seen[id] = true
		if reads++; reads > guessReads {
			break
		}
		l, err := s.cfg.Store.Lead(ctx, team, id)
		if salesbot.ErrorCode(err) == salesbot.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, fmt.Errorf("guess a lead: %w", err)
		}
		switch {
		case l.CanEdit(a) && l.Open():
			return l, nil
		case l.CanEdit(a) && closed == nil:
			closed = l
		}
	}
	return closed, nil
}
