package salesbot

import (
	"context"
	"fmt"
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

// ---- Qualification (seed 003 评估商业机会)

// Question is one of seed 003's four qualification questions.
type Question string

// The four questions, in the order they are asked.
const (
	QuestionExists  Question = "exists"  // does the opportunity exist? (机会是否存在)
	QuestionCompete Question = "compete" // can we compete? (我们能否竞争)
	QuestionWin     Question = "win"     // can we win? (我们能否赢)
	QuestionWorth   Question = "worth"   // is it worth winning? (赢了是否值得)
)

// Questions lists the four questions in order.
var Questions = []Question{QuestionExists, QuestionCompete, QuestionWin, QuestionWorth}

var questionAliases = map[string]Question{
	"exist": QuestionExists, "opportunity": QuestionExists, "存在": QuestionExists, "机会": QuestionExists,
	"竞争": QuestionCompete, "能竞争": QuestionCompete, "赢": QuestionWin, "能赢": QuestionWin, "值得": QuestionWorth,
}

// ParseQuestion reads a question by its key (exists, compete, win, worth)
// or its Chinese.
func ParseQuestion(s string) (Question, error) {
	key := strings.ToLower(foldWidth(strings.TrimSpace(s)))
	for _, q := range Questions {
		if string(q) == key {
			return q, nil
		}
	}
	if q, ok := questionAliases[key]; ok {
		return q, nil
	}
	return "", Errorf(EINVALID, "%q is not one of the four questions. Answer exists=, compete=, win= and worth=, each yes, no or unknown.", s)
}

// Ask is the question as a person is asked it.
func (q Question) Ask() string {
	switch q {
	case QuestionExists:
		return "Does the opportunity exist?"
	case QuestionCompete:
		return "Can we compete?"
	case QuestionWin:
		return "Can we win?"
	case QuestionWorth:
		return "Is it worth winning?"
	}
	return string(q)
}

// Answer is a qualification answer: yes, no or unknown.
type Answer string

// The answers; the zero Answer reads as unknown (not asked yet).
const (
	AnswerYes     Answer = "yes"
	AnswerNo      Answer = "no"
	AnswerUnknown Answer = "unknown"
)

var answerAliases = map[string]Answer{
	"yes": AnswerYes, "y": AnswerYes, "是": AnswerYes, "有": AnswerYes, "能": AnswerYes, "对": AnswerYes,
	"no": AnswerNo, "n": AnswerNo, "否": AnswerNo, "不": AnswerNo, "没有": AnswerNo, "不能": AnswerNo,
	"unknown": AnswerUnknown, "?": AnswerUnknown, "dunno": AnswerUnknown, "未知": AnswerUnknown, "不知道": AnswerUnknown, "不确定": AnswerUnknown,
}

// ParseAnswer reads yes, no or unknown, in English or Chinese (是/否/未知).
func ParseAnswer(s string) (Answer, error) {
	if a, ok := answerAliases[strings.ToLower(foldWidth(strings.TrimSpace(s)))]; ok {
		return a, nil
	}
	return "", Errorf(EINVALID, "%q is not an answer. Answer each question yes, no or unknown (是/否/未知).", s)
}

// Or is the answer, unknown when none was given.
func (a Answer) Or() Answer {
	if a == "" {
		return AnswerUnknown
	}
	return a
}

// Verdict is the answer to one question, with a note on why.
type Verdict struct {
	Answer Answer `json:"answer,omitempty"`
	Note   string `json:"note,omitempty"`
}

// Qualification is the lead's answers to the four questions, with who
// answered them last and when.
type Qualification struct {
	Exists  Verdict   `json:"exists,omitzero"`
	Compete Verdict   `json:"compete,omitzero"`
	Win     Verdict   `json:"win,omitzero"`
	Worth   Verdict   `json:"worth,omitzero"`
	By      string    `json:"by,omitempty"`
	At      time.Time `json:"at,omitzero"`
}

// Asked reports whether the questions were ever answered.
func (q Qualification) Asked() bool { return !q.At.IsZero() }

// Of is the verdict on one question.
func (q Qualification) Of(k Question) Verdict {
	switch k {
	case QuestionExists:
		return q.Exists
	case QuestionCompete:
		return q.Compete
	case QuestionWin:
		return q.Win
	case QuestionWorth:
		return q.Worth
	}
	return Verdict{}
}

func (q *Qualification) set(k Question, v Verdict) {
	switch k {
	case QuestionExists:
		q.Exists = v
	case QuestionCompete:
		q.Compete = v
	case QuestionWin:
		q.Win = v
	case QuestionWorth:
		q.Worth = v
	}
}

// Score counts the yes answers, of the four.
func (q Qualification) Score() int {
	n := 0
	for _, k := range Questions {
		if q.Of(k).Answer == AnswerYes {
			n++
		}
	}
	return n
}

// With lists the questions answered a, in order.
func (q Qualification) With(a Answer) QuestionList {
	var out QuestionList
	for _, k := range Questions {
		if q.Of(k).Answer.Or() == a {
			out = append(out, k)
		}
	}
	return out
}

// QuestionList is questions in a message: "compete, win" in English,
// "能否竞争、能否赢" in Chinese.
type QuestionList []Question

// String writes the keys with commas.
func (l QuestionList) String() string { return l.InLanguage("en") }

// zhQuestions are the questions' short Chinese names (seed 003).
var zhQuestions = map[Question]string{
	QuestionExists: "机会是否存在", QuestionCompete: "能否竞争", QuestionWin: "能否赢", QuestionWorth: "是否值得赢",
}

// InLanguage writes the questions the reader's way.
func (l QuestionList) InLanguage(lang string) string {
	words := make([]string, len(l))
	sep := ", "
	for i, k := range l {
		words[i] = string(k)
		if lang == "zh" {
			words[i], sep = zhQuestions[k], "、"
		}
	}
	return strings.Join(words, sep)
}

// Verdicts are answers given to some of the questions.
type Verdicts map[Question]Verdict

// ParseVerdicts reads `exists=yes compete=no they want SAP win=unknown`:
// each question key with its answer (= or :, 是/否/未知 too), and the words
// that follow, up to the next key, as its note. A quoted word is always a
// note's.
func ParseVerdicts(toks []Token) (Verdicts, error) {
	out := Verdicts{}
	var cur Question
	notes := map[Question][]Token{}
	for _, t := range toks {
		text := foldWidth(t.Text)
		key, ans, ok := strings.Cut(text, "=")
		if !ok {
			key, ans, ok = strings.Cut(text, ":")
		}
		if ok && !t.Quoted && !t.Entity {
			q, err := ParseQuestion(key)
			if err != nil {
				return nil, err
			}
			a, err := ParseAnswer(ans)
			if err != nil {
				return nil, Errorf(EINVALID, "%q is not an answer to %s. Answer each question yes, no or unknown (是/否/未知).", ans, QuestionList{q})
			}
			if _, twice := out[q]; twice {
				return nil, Errorf(EINVALID, "%s is answered twice. Answer each question once.", QuestionList{q})
			}
			out[q], cur = Verdict{Answer: a}, q
			continue
		}
		if cur == "" {
			return nil, Errorf(EINVALID, "%q is not an answer. Start with a question and its answer: exists=yes compete=no win=unknown worth=yes, a note after each if you like.", t.Text)
		}
		notes[cur] = append(notes[cur], t)
	}
	for q, n := range notes {
		v := out[q]
		v.Note = JoinTokens(n)
		out[q] = v
	}
	return out, nil
}

// Qualify records answers to the qualification questions (the owner or a
// manager): each one given replaces that question's answer and note, the
// others stay. A lead that was never qualified has every answer unknown.
func (l *Lead) Qualify(a Actor, answers Verdicts, now time.Time) (Change, error) {
	if err := l.checkEdit(a); err != nil {
		return Change{}, err
	}
	if err := l.checkOpen(); err != nil {
		return Change{}, err
	}
	if len(answers) == 0 {
		return Change{}, Errorf(EINVALID, "Answer at least one question: exists=yes compete=no win=unknown worth=yes.")
	}
	for k := range answers {
		if _, err := ParseQuestion(string(k)); err != nil {
			return Change{}, err
		}
	}
	q := l.Qualification
	from := ""
	if q.Asked() {
		from = q.Summary()
	}
	for _, k := range Questions {
		v, ok := answers[k]
		if !ok {
			continue
		}
		if v.Answer == "" {
			v.Answer = AnswerUnknown
		}
		if _, err := ParseAnswer(string(v.Answer)); err != nil {
			return Change{}, err
		}
		note, err := cleanText("note", v.Note, maxVerdictLen)
		if err != nil {
			return Change{}, err
		}
		v.Note = note
		q.set(k, v)
	}
	q.By, q.At = a.User, now
	l.Qualification = q
	return l.change(a, ChangeQualified, from, q.Summary(), "", now), nil
}

// Summary is the qualification as history keeps it: "exists=yes
// compete=no win=unknown worth=yes".
func (q Qualification) Summary() string {
	parts := make([]string, len(Questions))
	for i, k := range Questions {
		parts[i] = string(k) + "=" + string(q.Of(k).Answer.Or())
	}
	return strings.Join(parts, " ")
}

// RiskQualificationNo is a "no" to a qualification question on an A or B
// lead: lower the grade or let it go (seed 001: 没有通过,考虑放弃或降低接触级别).
const RiskQualificationNo RiskKind = "qualification-no"

// qualificationRisks is the risk of a "no" on a serious (A or B) lead,
// suggesting the grade below.
func qualificationRisks(l *Lead) []Risk {
	if l.Grade != GradeA && l.Grade != GradeB {
		return nil
	}
	no := l.Qualification.With(AnswerNo)
	if len(no) == 0 {
		return nil
	}
	lower := GradeC
	if l.Grade == GradeA {
		lower = GradeB
	}
	r := newRisk(RiskQualificationNo,
		"Qualification answered no (%s) on a grade %s lead: lower it to %s or let it go (没有通过,考虑放弃或降低接触级别).", no, string(l.Grade), string(lower))
	r.Suggest = lower
	return []Risk{r}
}

// ---- Competitors (竞争)

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
