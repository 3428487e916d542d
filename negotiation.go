package salesbot

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The negotiation side of a lead (DOMAIN.md §5): the concessions made in
// bargaining (seed 000 商务谈判), seed 003's four qualification questions
// (评估商业机会) and the competitors (竞争).

// The kinds of change the negotiation keeps in a lead's history.
const (
	ChangeConcession ChangeKind = "concession"
	ChangeQualified  ChangeKind = "qualify"
	ChangeRival      ChangeKind = "rival"
)

// Limits on what the negotiation keeps of one lead.
const (
	MaxConcessions   = 100
	MaxRivals        = 20
	maxConcedeLen    = 300
	maxVerdictLen    = 300
	maxRivalNameLen  = 80
	maxRivalNotesLen = 500
)

// ---- Concessions (seed 000: 慢慢让，不要一次让光，越让越少；有"给"就应该"要"东西回来)

// ConcessionStages are the stages a concession is logged at: objection
// handling, where price objections are answered and the bargaining starts,
// and negotiation itself. Before them a change of price is a new quote
// version, which a manager signs off (/quote), not a concession.
var ConcessionStages = []Stage{StageObjections, StageNegotiation}

// Size is how big a concession is, when its "give" says so: a percentage
// (in hundredths of a percent: 5% is 500, 9折 is 1000) or an amount.
// The zero Size is a concession of no stated size.
type Size struct {
	Basis  int    `json:"bp,omitempty"`
	Amount Amount `json:"amount,omitzero"`
}

// IsZero reports whether the size is unknown.
func (s Size) IsZero() bool { return s.Basis == 0 && s.Amount.IsZero() }

// String writes the size: "5%", "¥50,000".
func (s Size) String() string { return s.InLanguage("en") }

// InLanguage writes the size the reader's way.
func (s Size) InLanguage(lang string) string {
	switch {
	case s.Basis != 0:
		return strconv.FormatFloat(float64(s.Basis)/100, 'f', -1, 64) + "%"
	case !s.Amount.IsZero():
		return s.Amount.InLanguage(lang)
	}
	return ""
}

// larger reports whether s is bigger than prev, and whether the two could
// be compared at all (both percentages, or amounts in one currency).
func (s Size) larger(prev Size) (larger, comparable bool) {
	switch {
	case s.Basis != 0 && prev.Basis != 0:
		return s.Basis > prev.Basis, true
	case !s.Amount.IsZero() && !prev.Amount.IsZero() && s.Amount.Currency == prev.Amount.Currency:
		return s.Amount.Minor > prev.Amount.Minor, true
	}
	return false, false
}

var (
	// percentSize is "5%", "2.5 %", "5 percent", "5个点".
	percentSize = regexp.MustCompile(`(?i)(\d{1,3}(?:\.\d{1,2})?)\s*(?:%|percent\b|个点)`)
	// zheSize is a Chinese discount: 9折 is 10% off, 95折 5%, 8.5折 15%.
	zheSize = regexp.MustCompile(`(\d{1,2}(?:\.\d)?)\s*折`)
	// amountSize is an amount in free text, with a currency or a
	// multiplier so that "3 training days" is not read as ¥3.
	amountSize = regexp.MustCompile(`(?i)([¥$€£]\s?)?(\d[\d,]*(?:\.\d+)?)\s?(k|m|千|万|亿)?\s?(元|美元|欧元|cny|rmb|usd|eur|gbp|jpy)?`)
)

// ParseSize reads the size of a concession from what is given: a
// percentage ("5% discount", "95折") or an amount with a currency or a
// multiplier ("¥50,000 off", "减5万", "$20k"), in team's currency when it
// names none. The zero Size when there is none.
func ParseSize(give string, team Currency) Size {
	text := foldWidth(give)
	if m := percentSize.FindStringSubmatch(text); m != nil {
		if f, err := strconv.ParseFloat(m[1], 64); err == nil && f > 0 && f <= 100 {
			return Size{Basis: int(f*100 + 0.5)}
		}
	}
	if m := zheSize.FindStringSubmatch(text); m != nil {
		if f, err := strconv.ParseFloat(m[1], 64); err == nil && f > 0 {
			off := 10 - f // 9折, 8.5折
			if f > 10 {
				off = (100 - f) / 10 // 95折
			}
			if off > 0 && off < 10 {
				return Size{Basis: int(off*1000 + 0.5)}
			}
		}
	}
	for _, m := range amountSize.FindAllStringSubmatch(text, -1) {
		if m[1] == "" && m[3] == "" && m[4] == "" {
			continue // a bare number: days, users, years
		}
		if a, err := ParseAmount(strings.TrimSpace(m[0]), team); err == nil {
			return Size{Amount: a}
		}
	}
	return Size{}
}

// Concession is one thing given in bargaining, and what was got for it.
type Concession struct {
	Give  string    `json:"give"`
	Get   string    `json:"get,omitempty"`
	Size  Size      `json:"size,omitzero"`
	Stage Stage     `json:"stage,omitempty"`
	By    string    `json:"by"`
	At    time.Time `json:"at"`
}

// nothingWords say that nothing was asked in return.
var nothingWords = map[string]bool{
	"nothing": true, "none": true, "n/a": true, "na": true, "-": true, "no": true, "nothing in return": true,
	"没有": true, "无": true, "没": true, "什么都没有": true, "什么也没有": true, "不要": true, "无回报": true,
}

// NothingBack reports whether nothing was asked in return for the
// concession ("有给就应该要": never give without getting).
func (c Concession) NothingBack() bool {
	get := strings.ToLower(strings.Trim(strings.TrimSpace(foldWidth(c.Get)), ".。!！"))
	return get == "" || nothingWords[get]
}

// concedeSeparator splits what is given from what is got: the word "for",
// 换取 anywhere, or 换 as a word of its own ("9折 换 三年合同").
var concedeSeparator = regexp.MustCompile(`(?i)(?:^|\s)for(?:\s|$)|换取|(?:^|\s)换(?:\s|$)`)

// ErrNoReturn is the refusal of a concession written without what is got
// for it.
var ErrNoReturn = Errorf(EINVALID, "What do we get for it? Write the concession as `<what we give> for <what we get>`, or in Chinese `<what we give> 换取 <what we get>`: every concession asks for something back.")

// SplitConcession reads "<what we give> for <what we get>" (also "… 换取 …"
// and "… 换 …"): a text with no separator is refused (ErrNoReturn); one
// whose "get" is empty is not, for the rule to warn about.
func SplitConcession(text string) (give, get string, err error) {
	toks, err := Fields(text)
	if err != nil {
		return "", "", err
	}
	return SplitConcessionTokens(toks)
}

// SplitConcessionTokens is SplitConcession on a command's tokens: a
// separator inside quotes ("discount for volume") is part of the text.
func SplitConcessionTokens(toks []Token) (give, get string, err error) {
	for i, t := range toks {
		if t.Quoted || t.Entity {
			continue
		}
		loc := concedeSeparator.FindStringIndex(t.Text)
		if loc == nil {
			continue
		}
		before := append([]Token(nil), toks[:i]...)
		if pre := strings.TrimSpace(t.Text[:loc[0]]); pre != "" {
			before = append(before, Token{Text: pre})
		}
		var after []Token
		if post := strings.TrimSpace(t.Text[loc[1]:]); post != "" {
			after = append(after, Token{Text: post})
		}
		after = append(after, toks[i+1:]...)
		give, get = JoinTokens(before), JoinTokens(after)
		if strings.TrimSpace(give) == "" {
			return "", "", Errorf(EINVALID, "What do we give? Write it before the \"for\": 5%% discount for a three-year contract.")
		}
		return give, get, nil
	}
	return "", "", ErrNoReturn
}

// ConcessionCheck is what the method says of a new concession: it is
// larger than the previous one (越让越少: each concession smaller than
// the last), or nothing was asked in return. Both warn; neither refuses.
type ConcessionCheck struct {
	Larger      bool
	Previous    Concession // the one before, when Larger
	NothingBack bool
}

// Warns reports whether the check found anything to warn about.
func (c ConcessionCheck) Warns() bool { return c.Larger || c.NothingBack }

// Concede logs a concession at objections or negotiation (the owner or a
// manager), its size read from what is given in team's currency.
func (l *Lead) Concede(a Actor, give, get string, team Currency, now time.Time) (Concession, ConcessionCheck, Change, error) {
	if err := l.checkEdit(a); err != nil {
		return Concession{}, ConcessionCheck{}, Change{}, err
	}
	if err := l.checkOpen(); err != nil {
		return Concession{}, ConcessionCheck{}, Change{}, err
	}
	if !concessionStage(l.Stage) {
		return Concession{}, ConcessionCheck{}, Change{}, Errorf(EINVALID,
			"Concessions are logged in %s or %s; %s is at %s. Before that a change of price is a new quote for a manager to approve.",
			Term(StageObjections.Name()), Term(StageNegotiation.Name()), l.Company, Term(l.Stage.Name()))
	}
	give, err := cleanText("concession", give, maxConcedeLen)
	if err != nil {
		return Concession{}, ConcessionCheck{}, Change{}, err
	}
	get, err = cleanText("return", get, maxConcedeLen)
	if err != nil {
		return Concession{}, ConcessionCheck{}, Change{}, err
	}
	if give == "" {
		return Concession{}, ConcessionCheck{}, Change{}, Errorf(EINVALID, "What do we give? Write it before the \"for\": 5%% discount for a three-year contract.")
	}
	if len(l.Concessions) >= MaxConcessions {
		return Concession{}, ConcessionCheck{}, Change{}, Errorf(EINVALID, "%s has %d concessions logged, the most a lead keeps.", l.Company, MaxConcessions)
	}
	c := Concession{Give: give, Get: get, Size: ParseSize(give, team), Stage: l.Stage, By: a.User, At: now}
	check := ConcessionCheck{NothingBack: c.NothingBack()}
	if n := len(l.Concessions); n > 0 {
		prev := l.Concessions[n-1]
		if larger, ok := c.Size.larger(prev.Size); ok && larger {
			check.Larger, check.Previous = true, prev
		}
	}
	l.Concessions = append(l.Concessions, c)
	return c, check, l.change(a, ChangeConcession, "", give, get, now), nil
}

func concessionStage(s Stage) bool {
	for _, st := range ConcessionStages {
		if s == st {
			return true
		}
	}
	return false
}

// LatestConcessions are the lead's last n concessions, latest first.
func (l *Lead) LatestConcessions(n int) []Concession {
	var out []Concession
	for i := len(l.Concessions) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, l.Concessions[i])
	}
	return out
}

// ---- The service

// Conceded is what logging a concession gave: the lead as saved, the
// concession and what the method says of it.
type Conceded struct {
	Lead       *Lead
	Concession Concession
	Check      ConcessionCheck
}

// NegotiationService records the negotiation of one lead: its concessions,
// its qualification and its competitors. Each method checks the actor may
// change the lead (CanEdit: the owner or a manager) before any change, and
// changes nothing on a refusal.
type NegotiationService interface {
	// Concede logs a concession at objections or negotiation; the check
	// warns of one larger than the last, or given for nothing.
	Concede(ctx context.Context, a Actor, ref LeadRef, give, get string, now time.Time) (Conceded, error)
	// Qualify records answers to seed 003's four questions.
	Qualify(ctx context.Context, a Actor, ref LeadRef, answers Verdicts, now time.Time) (*Lead, error)
	// SetRival records or updates a competitor.
	SetRival(ctx context.Context, a Actor, ref LeadRef, r Rival, now time.Time) (*Lead, error)
}
