package salesbot

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
)

// VisitKind is how a touch happened.
type VisitKind string

// The kinds of touch (DOMAIN.md §4), and the maintenance touches of seed
// 000's 客户关系维护方式 that a reminder for a C or D lead suggests (see
// maintenance.go): industry news or an article, a case study, a visit to a
// reference customer, a festival greeting. An event is also a seminar or a
// launch the lead is invited to.
const (
	KindVisit     VisitKind = "visit"
	KindCall      VisitKind = "call"
	KindDemo      VisitKind = "demo"
	KindEvent     VisitKind = "event"
	KindMessage   VisitKind = "message"
	KindNews      VisitKind = "news"
	KindCase      VisitKind = "case"
	KindReference VisitKind = "reference"
	KindGreeting  VisitKind = "greeting"
)

// VisitKinds lists the kinds of touch.
var VisitKinds = []VisitKind{KindVisit, KindCall, KindDemo, KindEvent, KindMessage, KindNews, KindCase, KindReference, KindGreeting}

// visitKindAliases are the other words, English and Chinese, a rep may type
// for a kind of touch (`/visit … kind:seminar`, `kind:贺卡`).
var visitKindAliases = map[string]VisitKind{
	"meeting": KindVisit, "meet": KindVisit, "拜访": KindVisit, "面访": KindVisit, "见面": KindVisit, "会议": KindVisit,
	"phone": KindCall, "电话": KindCall,
	"演示":      KindDemo,
	"seminar": KindEvent, "launch": KindEvent, "course": KindEvent, "活动": KindEvent, "研讨会": KindEvent, "发表会": KindEvent, "课程": KindEvent, "展会": KindEvent,
	"email": KindMessage, "mail": KindMessage, "wechat": KindMessage, "消息": KindMessage, "邮件": KindMessage, "微信": KindMessage, "短信": KindMessage,
	"article": KindNews, "新知": KindNews, "资讯": KindNews, "文章": KindNews, "新闻": KindNews, "行业讯息": KindNews,
	"case-study": KindCase, "casestudy": KindCase, "案例": KindCase,
	"reference-visit": KindReference, "参观": KindReference, "参访": KindReference, "案例参观": KindReference, "推荐": KindReference,
	"greetings": KindGreeting, "card": KindGreeting, "festival": KindGreeting, "贺卡": KindGreeting, "问候": KindGreeting, "节日问候": KindGreeting,
}

// ParseVisitKind reads a kind of touch, in English or Chinese (see
// visitKindAliases); the empty string is a visit.
func ParseVisitKind(s string) (VisitKind, error) {
	key := strings.ToLower(foldWidth(strings.TrimSpace(s)))
	if key == "" {
		return KindVisit, nil
	}
	for _, k := range VisitKinds {
		if string(k) == key {
			return k, nil
		}
	}
	if k, ok := visitKindAliases[key]; ok {
		return k, nil
	}
	return "", Errorf(EINVALID, "%q is not a kind of touch. Use visit, call, demo, event, message, news, case, reference or greeting.", s)
}

// deepens reports whether a touch of this kind takes the people met a step
// deeper in contact: a visit, a demo, an event or a visit to a reference
// customer together does; a call, a message, news, a case study or a
// greeting only ever makes a brief contact, however many there are.
func (k VisitKind) deepens() bool {
	return k == KindVisit || k == KindDemo || k == KindEvent || k == KindReference
}

// Visit is one recorded touch (客户跟进记录): when, how, what was learned, and
// the next step with its date.
type Visit struct {
	LeadID   string    `json:"lead"`
	Date     Date      `json:"date"`
	Kind     VisitKind `json:"kind"`
	Notes    string    `json:"notes,omitempty"`
	NextStep string    `json:"next_step,omitempty"`
	NextDate Date      `json:"next_date,omitzero"`
	Met      []string  `json:"met,omitempty"` // names of the lead's stakeholders met
	By       string    `json:"by"`
	LoggedAt time.Time `json:"logged_at"`
}

// VisitText is what follows the company in `/visit <company> [date] [notes]`.
type VisitText struct {
	Date Date
	// Kind is the kind of touch given with `kind:` (方式:); empty when none
	// was, which logs a visit.
	Kind     VisitKind
	Notes    string
	Met      []string // the people met, as typed; nil when none were named
	NextStep string
	NextDate Date
}

var (
	nextMarkers = []string{"next:", "next：", "下一步:", "下一步："}
	metMarkers  = []string{"met:", "met：", "见了:", "见了："}
	kindMarkers = []string{"kind:", "kind：", "方式:", "方式："}
)

// ParseVisitText reads `[YYYY-MM-DD|today|yesterday] [notes] [met: names]
// [next: [YYYY-MM-DD] step]`. With no date the visit is today. A token
// shaped like a date that is not a real day is an error, not a note.
//
// The people met follow a `met:` (见了:) marker before or after the notes,
// ahead of `next:`: names separated by commas (met: Wang Li, Li Na) run to
// the end of the notes part; quoted names (met: "Wang Li", "Li Na") end at
// the first unquoted word, and what follows them is notes again.
//
// The kind of touch is one word after `kind:` (方式:), anywhere before
// `next:`: `kind:event`, `kind: news`, `方式:贺卡` (see ParseVisitKind).
func ParseVisitText(tokens []Token, today Date) (VisitText, error) {
	v := VisitText{Date: today}
	if len(tokens) > 0 && !tokens[0].Quoted {
		if d, ok, err := parseDay(tokens[0].Text, today); err != nil {
			return VisitText{}, err
		} else if ok {
			v.Date, tokens = d, tokens[1:]
		}
	}
	notes, next := splitNext(tokens)
	if before, after, found := CutMarker(notes, kindMarkers...); found {
		if len(after) == 0 {
			return VisitText{}, Errorf(EINVALID, "`kind:` needs the kind of touch, e.g. `kind:event`: visit, call, demo, event, message, news, case, reference or greeting.")
		}
		k, err := ParseVisitKind(after[0].Text)
		if err != nil {
			return VisitText{}, err
		}
		notes, v.Kind = slices.Concat(before, after[1:]), k
	}
	if before, after, found := CutMarker(notes, metMarkers...); found {
		names, rest := metNames(after)
		if len(names) == 0 {
			return VisitText{}, Errorf(EINVALID, "`met:` needs the names of the people you met, e.g. `met: \"Wang Li\", \"Li Na\"`.")
		}
		notes, v.Met = slices.Concat(before, rest), names
	}
	v.Notes = JoinTokens(notes)
	if next != nil {
		if len(next) > 0 && !next[0].Quoted {
			if d, ok, err := parseDay(next[0].Text, today); err != nil {
				return VisitText{}, err
			} else if ok {
				v.NextDate, next = d, next[1:]
			}
		}
		v.NextStep = JoinTokens(next)
		if v.NextStep == "" && v.NextDate.IsZero() {
			return VisitText{}, Errorf(EINVALID, "`next:` needs a date and a step, e.g. `next: %s send the quote`.", today.AddDays(7))
		}
	}
	return v, nil
}

// splitNext splits tokens at the next-step marker; next is nil when there is
// none. "next:2026-12-01" written without a space counts too.
func splitNext(tokens []Token) (notes, next []Token) {
	notes, next, _ = CutMarker(tokens, nextMarkers...)
	return notes, next
}

// metNames reads the list after a `met:` marker: quoted names up to the
// first other word (commas between them allowed), whose rest is returned;
// otherwise every word, as names separated by commas.
func metNames(list []Token) (names []string, rest []Token) {
	if len(list) == 0 || !list[0].Quoted {
		return SplitNames(JoinTokens(list)), nil
	}
	i := 0
	for ; i < len(list); i++ {
		t := list[i]
		if t.Quoted {
			if name := strings.Join(strings.Fields(t.Text), " "); name != "" {
				names = append(names, name)
			}
			continue
		}
		if strings.Trim(t.Text, nameSeparators) != "" {
			break
		}
	}
	return names, list[i:]
}

func parseDay(s string, today Date) (Date, bool, error) {
	switch strings.ToLower(s) {
	case "today", "今天":
		return today, true, nil
	case "yesterday", "昨天":
		return today.AddDays(-1), true, nil
	case "tomorrow", "明天":
		return today.AddDays(1), true, nil
	}
	if !LooksLikeDate(s) {
		return Date{}, false, nil
	}
	d, err := ParseDate(s)
	return d, err == nil, err
}

// RecordVisit logs a touch on the lead: it moves the contact clock, and a
// next step with a date overrides the cadence for that one follow-up. The
// visit's date may be in the past but not after today (in the rep's time
// zone, loc); the next step's date may not be before today. The people met
// (v.Met) must be the lead's stakeholders (see ResolveMet; v.Met is left as
// they were first recorded): each was last met at the touch, and a meeting
// (a visit, demo or event) takes each a step deeper in contact, while a call
// or a message makes no one more than a brief contact (see deepens).
func (l *Lead) RecordVisit(a Actor, v *Visit, loc *time.Location, now time.Time) (Change, error) {
	if err := l.checkEdit(a); err != nil {
		return Change{}, err
	}
	if err := l.checkOpen(); err != nil {
		return Change{}, err
	}
	today := DateOf(now.In(loc))
	if v.Date.IsZero() {
		v.Date = today
	}
	if err := CheckVisitDate(v.Date, today); err != nil {
		return Change{}, err
	}
	if err := CheckNextDate(v.NextDate, today); err != nil {
		return Change{}, err
	}
	var err error
	if v.Kind, err = ParseVisitKind(string(v.Kind)); err != nil {
		return Change{}, err
	}
	if v.Notes, err = cleanText("note", v.Notes, MaxTextLen); err != nil {
		return Change{}, err
	}
	if v.NextStep, err = cleanText("next step", v.NextStep, maxReasonLen); err != nil {
		return Change{}, err
	}
	if v.Met, err = l.ResolveMet(v.Met); err != nil {
		return Change{}, err
	}
	v.LeadID, v.By, v.LoggedAt = l.ID, a.User, now
	l.endPark() // any logged touch wakes a parked lead

	touched := now
	if v.Date != today {
		touched = v.Date.In(loc).Add(12 * time.Hour)
	}
	latest := touched.After(l.LastTouch)
	if latest {
		l.LastTouch = touched
	}
	for _, name := range v.Met {
		for i := range l.Stakeholders {
			if p := &l.Stakeholders[i]; p.Name == name {
				// One step deeper per meeting, a first contact at most for
				// a call or a message; a back-dated touch never moves the
				// last meeting back.
				if v.Kind.deepens() {
					p.ContactDepth = p.ContactDepth.Deeper()
				} else if p.ContactDepth.Rank() < DepthBrief.Rank() {
					p.ContactDepth = DepthBrief
				}
				if touched.After(p.LastMet) {
					p.LastMet = touched
				}
			}
		}
	}
	l.SnoozedUntil = time.Time{} // a touch ends any snooze
	planned := l.NextStep != "" || !l.NextStepDue.IsZero()
	if (v.NextStep != "" || !v.NextDate.IsZero()) && (latest || !planned) {
		// A back-dated visit's plan does not replace one made since.
		l.NextStep, l.NextStepDue = v.NextStep, time.Time{}
		if !v.NextDate.IsZero() {
			l.NextStepDue = v.NextDate.In(loc)
		}
	} else if latest {
		// The newest touch supersedes a next step planned before it.
		l.NextStep, l.NextStepDue = "", time.Time{}
	}
	return l.change(a, ChangeVisit, "", v.Date.String(), summary(v), now), nil
}

// ErrVisitDate and ErrNextDate are the causes of CheckVisitDate's and
// CheckNextDate's errors (errors.Is finds them), so that a form can show
// the error under the date it is about.
var (
	ErrVisitDate = errors.New("touch date not allowed")
	ErrNextDate  = errors.New("next step date not allowed")
)

// CheckVisitDate says whether a touch may be logged on day d: it must have
// happened (not after today) and not be absurdly old.
func CheckVisitDate(d, today Date) error {
	var e *Error
	switch {
	case d.After(today):
		e = Errorf(EINVALID, "%s is in the future. Log a touch once it has happened, and plan it as the next step.", d)
	case d.Before(today.AddDays(-3650)):
		e = Errorf(EINVALID, "%s is too long ago to log.", d)
	default:
		return nil
	}
	e.Err = ErrVisitDate
	return e
}

// CheckNextDate says whether a next step may be planned on day d (the zero
// Date means no date): not before today, and within MaxPlanDays.
func CheckNextDate(d, today Date) error {
	var e *Error
	switch {
	case d.IsZero():
		return nil
	case d.Before(today):
		e = Errorf(EINVALID, "The next step's date %s has passed. Give a date from today on.", d)
	case d.After(today.AddDays(MaxPlanDays)):
		e = Errorf(EINVALID, "The next step's date %s is more than a year away. Plan a step within the year; the grade's cadence keeps the lead in view meanwhile.", d)
	default:
		return nil
	}
	e.Err = ErrNextDate
	return e
}

// MaxPlanDays is how far ahead a next step may be planned: a plan further
// out would hide the lead from its cadence.
const MaxPlanDays = 366

func summary(v *Visit) string {
	s := string(v.Kind)
	if v.Notes != "" {
		s += ": " + v.Notes
	}
	if len([]rune(s)) > 140 {
		s = string([]rune(s)[:139]) + "…"
	}
	return s
}

// VisitRequest is a touch to log on one of a team's leads.
type VisitRequest struct {
	Actor Actor
	Team  string
	// LeadID names the lead. Lead, when set, is the lead as the caller read
	// it (from this team), which saves reading it again; the change is made
	// on it in place, so the caller uses only the lead the service returns.
	LeadID string
	Lead   *Lead
	Visit  Visit
	// Loc is the actor's time zone, in which "today" is judged (UTC when
	// nil); Now is the time of the request.
	Loc *time.Location
	Now time.Time
}

// VisitLogged is what logging a touch did: the lead as saved (its next
// touch rescheduled) and the visit as recorded (its date, kind and the
// people met as first recorded).
type VisitLogged struct {
	Lead   *Lead
	Visit  Visit
	Change Change
}

// VisitService logs the touches on a team's leads.
type VisitService interface {
	// LogVisit records a touch on a lead and saves it with its history and
	// the visit, all or nothing. Only the lead's owner or a manager may
	// log one: anyone else gets an EFORBIDDEN error and nothing is written,
	// judged on the lead as it is when written (a lead reassigned since the
	// caller read it is judged again). The lead must be open; the touch's
	// date may be in the past but not after today in the actor's zone; a
	// next step's date is from today on and within MaxPlanDays; the people
	// met must be the lead's stakeholders, each of whom is then met a step
	// deeper (see Lead.RecordVisit). The lead's last touch moves, and its
	// next touch (Due) is kept in step: the next step's date when one is
	// planned, else the grade's cadence from the last touch.
	LogVisit(ctx context.Context, req VisitRequest) (VisitLogged, error)
}
