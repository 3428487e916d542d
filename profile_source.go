package salesbot

import (
	"strings"
	"time"
)

// SetSource records how the lead came to the team (the owner or a
// manager), kept in the history.
func (l *Lead) SetSource(a Actor, s Source, now time.Time) (Change, error) {
	if err := l.checkEdit(a); err != nil {
		return Change{}, err
	}
	if !s.Valid() {
		_, err := ParseSource(string(s))
		return Change{}, err
	}
	if s == l.Source {
		return Change{}, Errorf(EINVALID, "%s's source is %s already.", l.Company, s)
	}
	from := l.Source
	l.Source = s
	return l.change(a, ChangeSource, string(from), string(s), "", now), nil
}

// sourceMarkers introduce a lead's source in /lead new's words.
var sourceMarkers = []string{"source:", "source：", "来源:", "来源：", "source", "来源"}

// CutSource takes the source out of /lead new's words: "source: event",
// "source:event", "source event", "来源:展会" or "来源：展会", anywhere after
// the company (the first word is always the company's). found says whether
// a source was named; a word that is not a source is an error that lists
// the words.
func CutSource(toks []Token) (rest []Token, s Source, found bool, err error) {
	for i := 1; i < len(toks); i++ {
		t := toks[i]
		if t.Quoted || t.Entity {
			continue
		}
		word, glued, bare := "", false, false
		for _, m := range sourceMarkers {
			lower := strings.ToLower(t.Text)
			if lower == m {
				word, bare = m, !strings.HasSuffix(m, ":") && !strings.HasSuffix(m, "：")
				break
			}
			if strings.HasSuffix(m, ":") || strings.HasSuffix(m, "：") {
				if strings.HasPrefix(lower, m) {
					word, glued = t.Text[len(m):], true
					break
				}
			}
		}
		if word == "" {
			continue
		}
		next := i + 1
		if bare {
			// "source event": a marker only when a source follows, so that
			// "Open Source Labs" stays a name.
			if next >= len(toks) || toks[next].Quoted {
				continue
			}
			if _, err := ParseSource(toks[next].Text); err != nil {
				continue
			}
		}
		if !glued {
			if next >= len(toks) {
				return nil, "", true, Errorf(EINVALID, "Which source? Write it after source:, e.g. `source: event`. Use one of: inbound (来电), referral (介绍), event (展会), phone (电话), web (网络), press (广告), canvass (扫街), association (协会), relationship (关系), upgrade (增购) or other (其他).")
			}
			word, next = toks[next].Text, next+1
		}
		if s, err = ParseSource(word); err != nil {
			return nil, "", true, err
		}
		return append(append([]Token{}, toks[:i]...), toks[next:]...), s, true, nil
	}
	return toks, "", false, nil
}

// NewLeadFrom is NewLead for a lead whose source is known (s "" when it is
// not): the registration's history entry names the source (Reason
// "source: <s>"), so the source is history from the first day.
func NewLeadFrom(a Actor, team, id, company string, g Grade, s Source, now time.Time) (*Lead, Change, error) {
	if s != "" && !s.Valid() {
		_, err := ParseSource(string(s))
		return nil, Change{}, err
	}
	l, c, err := NewLead(a, team, id, company, g, now)
	if err != nil || s == "" {
		return l, c, err
	}
	l.Source, c.Reason = s, "source: "+string(s)
	return l, c, nil
}
