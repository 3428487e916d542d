package salesbot

import (
	"fmt"
	"strings"
	"time"
)

// Competitors (竞争): who else is in the deal, and where they stand.

// Position is where a rival stands against us: ahead (领先), even (持平)
// or behind (落后). The zero Position is not known.
type Position string

// The positions.
const (
	PositionAhead  Position = "ahead"
	PositionEven   Position = "even"
	PositionBehind Position = "behind"
)

// Positions lists the positions, leading first.
var Positions = []Position{PositionAhead, PositionEven, PositionBehind}

var positionAliases = map[string]Position{
	"ahead": PositionAhead, "leads": PositionAhead, "leading": PositionAhead, "领先": PositionAhead,
	"even": PositionEven, "tied": PositionEven, "level": PositionEven, "持平": PositionEven, "相当": PositionEven,
	"behind": PositionBehind, "trailing": PositionBehind, "落后": PositionBehind,
}

// ParsePosition reads ahead, even or behind (领先/持平/落后).
func ParsePosition(s string) (Position, error) {
	if p, ok := positionAliases[strings.ToLower(foldWidth(strings.TrimSpace(s)))]; ok {
		return p, nil
	}
	return "", Errorf(EINVALID, "%q is not a position. Say where the rival stands against us: ahead, even or behind (领先/持平/落后).", s)
}

// Rival is a competitor on the deal: who, where they stand against us, and
// why (seed 000: 哪些厂商, 谁领先, 为什么).
type Rival struct {
	Name     string    `json:"name"`
	Position Position  `json:"position,omitempty"`
	Notes    string    `json:"notes,omitempty"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// SetRival records a competitor (the owner or a manager). The same vendor
// (its name normalised as a company's) updates its entry: a position or
// notes given replace the recorded ones.
func (l *Lead) SetRival(a Actor, r Rival, now time.Time) (Change, error) {
	if err := l.checkEdit(a); err != nil {
		return Change{}, err
	}
	if err := l.checkOpen(); err != nil {
		return Change{}, err
	}
	name, err := cleanText("vendor's name", r.Name, maxRivalNameLen)
	if err != nil {
		return Change{}, err
	}
	name = strings.Join(strings.Fields(name), " ")
	if name == "" || NormalizeCompany(name) == "" {
		return Change{}, Errorf(EINVALID, "Which vendor? Name the rival in quotes: \"SAP\" ahead they demoed first.")
	}
	if r.Position != "" {
		if r.Position, err = ParsePosition(string(r.Position)); err != nil {
			return Change{}, err
		}
	}
	notes, err := cleanText("notes", r.Notes, maxRivalNotesLen)
	if err != nil {
		return Change{}, err
	}
	key := NormalizeCompany(name)
	for i := range l.Rivals {
		old := &l.Rivals[i]
		if NormalizeCompany(old.Name) != key {
			continue
		}
		if (r.Position == "" || r.Position == old.Position) && (notes == "" || notes == old.Notes) {
			return Change{}, Errorf(EINVALID, "%s is already recorded as it is. Give where it stands (ahead, even, behind) or new notes.", old.Name)
		}
		from := rivalText(*old)
		if r.Position != "" {
			old.Position = r.Position
		}
		if notes != "" {
			old.Notes = notes
		}
		old.By, old.At = a.User, now // the name as first recorded
		return l.change(a, ChangeRival, from, rivalText(*old), "", now), nil
	}
	if len(l.Rivals) >= MaxRivals {
		return Change{}, Errorf(EINVALID, "%s has %d rivals recorded, the most a lead keeps.", l.Company, MaxRivals)
	}
	nr := Rival{Name: name, Position: r.Position, Notes: notes, By: a.User, At: now}
	l.Rivals = append(l.Rivals, nr)
	return l.change(a, ChangeRival, "", rivalText(nr), "", now), nil
}

func rivalText(r Rival) string {
	if r.Position == "" {
		return r.Name
	}
	return fmt.Sprintf("%s (%s)", r.Name, r.Position)
}

// RivalNameEnd is how many of toks name the vendor in `/lead rival <company>
// <vendor> [position] [notes]`: a quoted name is one token; an unquoted one
// runs up to the first position word within four words, else is one word.
// 0 when toks names no vendor (empty, or a position word first).
func RivalNameEnd(toks []Token) int {
	if len(toks) == 0 {
		return 0
	}
	if toks[0].Quoted {
		if strings.TrimSpace(toks[0].Text) == "" {
			return 0
		}
		return 1
	}
	if _, err := ParsePosition(toks[0].Text); err == nil {
		return 0
	}
	for i := 1; i < len(toks) && i <= 4; i++ {
		if _, err := ParsePosition(toks[i].Text); err == nil && !toks[i].Quoted {
			return i
		}
	}
	return 1
}

// factKnown reports whether a key fact counts as known: its text is
// recorded, or, for competition, a rival is.
func (l *Lead) factKnown(k KeyFact) bool {
	if strings.TrimSpace(l.Facts[k].Text) != "" {
		return true
	}
	return k == FactCompetition && len(l.Rivals) > 0
}
