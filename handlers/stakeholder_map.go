package handlers

import (
	"context"
	"fmt"
	"salesbot"
	"salesbot/i18n"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// The stakeholder map (/lead map): each person in the influence × support
// quadrants of DOMAIN.md §3.

// showMap renders the stakeholder map of a lead, for its owner and
// managers.
func (h *Handler) showMap(ctx context.Context, r request, ref salesbot.LeadRef) (*slack.Msg, error) {
	l, err := h.leads.Map(ctx, r.actor, ref)
	if err != nil {
		return nil, err
	}
	return h.stakeholderMap(r, l), nil
}

// stakeholderMap places the lead's people in the influence × support
// quadrants (DOMAIN.md §3): per person the buying and decision role, how
// deeply and how lately they were met, and their last change of support, so
// that a manager reads where to spend time at a glance on a phone.
func (h *Handler) stakeholderMap(r request, l *salesbot.Lead) *slack.Msg {
	quadrants := []struct {
		q    salesbot.Quadrant
		name string
	}{
		{salesbot.QuadrantAngel, r.T("Angels 天使 — high influence, supportive: spend time here")},
		{salesbot.QuadrantDevil, r.T("Devils 魔鬼 — high influence, opposed: neutralise")},
		{salesbot.QuadrantSweetheart, r.T("Sweethearts 小甜甜 — low influence, supportive")},
		{salesbot.QuadrantImp, r.T("Imps 小鬼 — low influence, opposed")},
		{salesbot.QuadrantNeutral, r.T("Neutral — support 0 or −1: not yet for or against us")},
	}
	title := r.T("People at %s", esc(l.Company))
	blocks := []slack.Block{slack.NewHeaderBlock(plain(truncate(r.T("People at %s", l.Company), 150)))}
	if len(l.Stakeholders) == 0 {
		blocks = append(blocks, section(r.T("No one recorded yet. Add people with `/stance %s \"Name\" eb high +1`.", esc(quoteName(l.Company)))))
		return ephemeral(title, blocks...)
	}
	now := h.now()
	var counts []string
	for _, quad := range quadrants {
		var people []salesbot.Stakeholder
		for _, s := range l.Stakeholders {
			if s.Quadrant() == quad.q {
				people = append(people, s)
			}
		}
		if len(people) == 0 {
			continue
		}
		counts = append(counts, fmt.Sprintf("%s %d", quadrantEmoji(quad.q), len(people)))
		// The weightiest first: influence, then how strongly they stand.
		slices.SortStableFunc(people, func(a, b salesbot.Stakeholder) int {
			if d := slices.Index(salesbot.Influences, a.Influence) - slices.Index(salesbot.Influences, b.Influence); d != 0 {
				return d
			}
			return abs(int(b.Support)) - abs(int(a.Support))
		})
		lines := make([]string, len(people))
		for i, s := range people {
			lines[i] = mapEntry(r.lang, s, now, r.loc)
		}
		blocks = append(blocks, chunks(quadrantEmoji(quad.q)+" *"+quad.name+"*", lines)...)
	}
	people := r.T("%d people", len(l.Stakeholders))
	summary := contextLine(r.T("%s · %s · update with `/stance`, log who you met with `/visit … met: \"Name\"`", people, strings.Join(counts, " · ")))
	blocks = slices.Insert(blocks, 1, slack.Block(summary))
	if len(blocks) > maxBlocks {
		blocks = append(blocks[:maxBlocks-1], section(r.T("_…and more people than fit here._")))
	}
	return ephemeral(title, blocks...)
}

// metText says when a person was last met.
func metText(lang i18n.Lang, s salesbot.Stakeholder, now time.Time, loc *time.Location) string {
	switch {
	case !s.LastMet.IsZero():
		return i18n.T(lang, "met %s", ago(lang, s.LastMet, now, loc))
	case s.ContactDepth.Rank() > 0:
		return i18n.T(lang, "no meeting logged")
	}
	return i18n.T(lang, "never met")
}

// mapEntry is one person on the map: who they are in the decision, how well
// and how lately we know them, and their last change of support.
func mapEntry(lang i18n.Lang, s salesbot.Stakeholder, now time.Time, loc *time.Location) string {
	who := []string{word(lang, s.Role.Name())}
	if s.DecisionRole != "" {
		who = append(who, word(lang, s.DecisionRole.Name()))
	}
	who = append(who, i18n.T(lang, "%s influence", word(lang, string(s.Influence))))
	entry := fmt.Sprintf("• *%s* %s — %s", esc(s.Name), s.Support, strings.Join(who, " · "))

	contact := []string{word(lang, s.ContactDepth.Name()), metText(lang, s, now, loc)}
	if s.Attitude != "" {
		contact = append(contact, word(lang, s.Attitude.Name()))
	}
	entry += "\n      " + strings.Join(contact, " · ")

	if c, ok := s.LastSupportChange(); ok {
		arrow := "▲"
		if c.To < c.From {
			arrow = "▼"
		}
		entry += i18n.T(lang, "\n      %s %s → %s on %s", arrow, c.From, c.To, day(c.At, loc))
		if c.Why != "" {
			entry += " _" + esc(truncate(c.Why, 100)) + "_"
		}
	}
	return entry
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
